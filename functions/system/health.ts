import { health } from '../../lib/cluster/inspect';
import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';

export const handler = httpHandler(routes.health, async () => ok(await health()));
