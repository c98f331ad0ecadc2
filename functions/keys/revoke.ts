import { revokeKey } from '../../lib/auth/api-keys';
import { httpHandler, noContent } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';

export const handler = httpHandler(routes.revokeKey, async ({ params }) => {
  await revokeKey(params.companyId, params.keyId);
  return noContent();
});
