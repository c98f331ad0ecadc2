import { httpHandler } from '../../lib/http/handler';
import { routes } from '../../lib/http/routes';
import { placeOrder } from '../../lib/shop/orders';

export const handler = httpHandler(routes.placeOrder, async ({ params, headers, body }) => {
  const result = await placeOrder(params.companyId, headers['idempotency-key'], body);
  return result.created
    ? { statusCode: 201, json: result.json }
    : { statusCode: 200, json: result.json, headers: { 'idempotent-replayed': 'true' } };
});
