import { listKeys } from '../../lib/auth/api-keys';
import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';

export const handler = httpHandler(routes.listKeys, async ({ params, query }) =>
  ok(await listKeys(params.companyId, query)),
);
