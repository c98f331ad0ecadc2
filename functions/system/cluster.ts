import { clusterStatus } from '../../lib/cluster/status';
import { db } from '../../lib/db';
import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';

export const handler = httpHandler(routes.clusterStatus, async () => ok(await clusterStatus(db())));
