import { created, httpBodyHandler } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { createProduct } from '../../lib/shop/products';

export const handler = httpBodyHandler(routes.createProduct, async ({ params, body }) =>
  created(await createProduct(params.companyId, body)),
);
