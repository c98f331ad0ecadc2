import { httpBodyHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { updateProduct } from '../../lib/shop/products';

export const handler = httpBodyHandler(routes.updateProduct, async ({ params, body }) =>
  ok(await updateProduct(params.companyId, params.productId, body)),
);
