import { httpHandler } from '../../lib/http/handler';
import { routes } from '../../lib/http/routes';
import { placeOrder } from '../../lib/shop/orders';

export const handler = httpHandler(routes.placeOrder, async ({ params, headers, body }) => {
  const result = await placeOrder(params.companyId, headers['idempotency-key'], body);
  return result.created
    ? { statusCode: 201, body: result.order }
    : { statusCode: 200, json: result.storedJson, headers: { 'idempotent-replayed': 'true' } };
});
