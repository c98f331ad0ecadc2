import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { getCompany } from '../../lib/shop/companies';

export const handler = httpHandler(routes.getCompany, async ({ params }) =>
  ok(await getCompany(params.companyId)),
);
