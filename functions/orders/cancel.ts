import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { cancelOrder } from '../../lib/shop/orders';

export const handler = httpHandler(routes.cancelOrder, async ({ params }) =>
  ok(await cancelOrder(params.companyId, params.orderId)),
);
