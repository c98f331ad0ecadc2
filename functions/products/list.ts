import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { listProducts } from '../../lib/shop/products';

export const handler = httpHandler(routes.listProducts, async ({ params, query }) =>
  ok(await listProducts(params.companyId, query)),
);
