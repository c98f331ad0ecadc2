import { requireSecret } from '../../lib/auth/access';
import { httpBodyHandler } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { placeOrder } from '../../lib/shop/orders';

export const handler = httpBodyHandler(routes.placeOrder, async ({ params, headers, body }, caller) => {
  // A storefront names its customer by email; ordering for a customer id is the merchant's.
  if ('id' in body.customer) requireSecret(caller, 'place an order for a customer id');
  const result = await placeOrder(params.companyId, headers['idempotency-key'], body);
  return result.created
    ? { statusCode: 201, json: result.json }
    : { statusCode: 200, json: result.json, headers: { 'idempotent-replayed': 'true' } };
});
