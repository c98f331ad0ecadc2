import { createKey } from '../../lib/auth/api-keys';
import { created, httpHandler } from '../../lib/http/handler';
import { routes } from '../../lib/http/routes';

export const handler = httpHandler(routes.createKey, async ({ params, body }) =>
  created(await createKey(params.companyId, body.kind)),
);
