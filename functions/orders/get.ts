import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { getOrder } from '../../lib/shop/orders';

export const handler = httpHandler(routes.getOrder, async ({ params }) =>
  ok(await getOrder(params.companyId, params.orderId)),
);
