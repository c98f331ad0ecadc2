import { httpHandler } from '../../lib/http/handler';
import { routes } from '../../lib/http/routes';
import { placeOrder } from '../../lib/shop/orders';

export const handler = httpHandler(routes.placeOrder, async ({ params, headers: given, body }) => {
  const { order, created } = await placeOrder(params.companyId, given['idempotency-key'], body);
  const headers: Record<string, string> = created ? {} : { 'idempotent-replayed': 'true' };
  return { statusCode: created ? 201 : 200, body: order, headers };
});
