import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { listCustomerOrders } from '../../lib/shop/orders';

export const handler = httpHandler(routes.listCustomerOrders, async ({ params, query }) =>
  ok(await listCustomerOrders(params.companyId, params.customerId, query)),
);
