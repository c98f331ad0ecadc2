import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { getProduct } from '../../lib/shop/products';

export const handler = httpHandler(routes.getProduct, async ({ params }) =>
  ok(await getProduct(params.companyId, params.productId)),
);
