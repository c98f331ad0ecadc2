import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  cancelledOrder,
  normalizeItems,
  ORDER_OUTCOME_STATUSES,
  placedOrder,
  requestHash,
} from '../../lib/shop/orders';

describe('normalizeItems', () => {
  it('should merge duplicate products and sort by product id', () => {
    expect(
      normalizeItems([
        { productId: 9, quantity: 1 },
        { productId: 3, quantity: 2 },
        { productId: 9, quantity: 4 },
      ]),
    ).toEqual([
      { productId: 3, quantity: 2 },
      { productId: 9, quantity: 5 },
    ]);
  });
});

describe('requestHash', () => {
  const customer = { email: 'a@example.com', name: 'A' };
  it('should be the same for the same order whatever the item order', () => {
    const a = requestHash({
      customer,
      items: [
        { productId: 1, quantity: 1 },
        { productId: 2, quantity: 2 },
      ],
    });
    const b = requestHash({
      customer,
      items: [
        { productId: 2, quantity: 2 },
        { productId: 1, quantity: 1 },
      ],
    });
    expect(a).toBe(b);
  });

  it('should differ when a quantity or the customer differs', () => {
    const base = requestHash({ customer, items: [{ productId: 1, quantity: 1 }] });
    expect(requestHash({ customer, items: [{ productId: 1, quantity: 2 }] })).not.toBe(base);
    expect(requestHash({ customer: { id: 1 }, items: [{ productId: 1, quantity: 1 }] })).not.toBe(base);
  });
});

describe('order outcomes', () => {
  it('should know every status the order functions of the SQL bundle return, and no other', () => {
    const sql = readFileSync(path.join(__dirname, '../../sql/008_order_outcomes.sql'), 'utf8');
    const returned = new Set([...sql.matchAll(/'status', '(\w+)'/g)].map((m) => m[1]));
    expect([...returned].sort()).toEqual([...ORDER_OUTCOME_STATUSES].sort());
  });

  it('should turn each refusal into the API error it answered with when the functions raised it', () => {
    const refused = (run: () => unknown) => {
      try {
        run();
      } catch (error: unknown) {
        const e = error as { statusCode: number; type: string; message: string };
        return [e.statusCode, e.type, e.message];
      }
      throw new Error('not refused');
    };
    expect(
      refused(() => placedOrder({ status: 'not_found', detail: 'Product 9 does not exist in company 1' })),
    ).toEqual([404, 'not-found', 'Product 9 does not exist in company 1']);
    expect(refused(() => placedOrder({ status: 'key_reused', detail: 'used' }))).toEqual([
      422,
      'idempotency-key-reused',
      'used',
    ]);
    expect(
      refused(() =>
        placedOrder({
          status: 'insufficient_stock',
          products: [{ productId: 3, requested: 2, available: 1 }],
        }),
      ),
    ).toEqual([409, 'insufficient-stock', 'Not enough stock for product 3 (requested 2, available 1)']);
    expect(refused(() => cancelledOrder({ status: 'not_cancellable', detail: 'shipped' }))).toEqual([
      409,
      'conflict',
      'shipped',
    ]);
    expect(refused(() => cancelledOrder({ status: 'not_found', detail: 'no order' }))).toEqual([
      404,
      'not-found',
      'no order',
    ]);
    expect(placedOrder({ status: 'replayed', response: '{"id":1}' })).toEqual({
      created: false,
      json: '{"id":1}',
    });
    expect(placedOrder({ status: 'placed', response: '{"id":1}' })).toEqual({
      created: true,
      json: '{"id":1}',
    });
  });
});
