import { created, httpBodyHandler } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { createCompany } from '../../lib/shop/companies';

export const handler = httpBodyHandler(routes.createCompany, async ({ body }) =>
  created(await createCompany(body)),
);
