import { createKey } from '../../lib/auth/api-keys';
import { created, httpBodyHandler } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';

export const handler = httpBodyHandler(routes.createKey, async ({ params, body }) =>
  created(await createKey(params.companyId, body.kind)),
);
