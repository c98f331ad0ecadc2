/**
 * Promise 2, exactly once: one Idempotency-Key sent 50 times at once and then 50 times
 * one after the other places one order and takes the stock once; every answer carries
 * that order, byte for byte; another body under the key is a 422; the same key in two
 * companies is two independent orders.
 *
 * Shown to fail: with the key checked before it is claimed (SELECT it; absent, place the
 * order; then INSERT the key ON CONFLICT DO NOTHING), the 50 concurrent requests placed 2
 * orders under the one key, and 20 requests across two companies placed 5 orders for 2
 * keys. (Before the pool was warmed, the first request finished while the others were
 * still connecting, and the burst test passed against that variant: hence warmPool.)
 */
import { randomUUID } from 'node:crypto';
import { config } from '../../../lib/config';
import { closeDb, warmPool } from '../../support/db';
import { ledgerViolations, orderCount, stockOf } from '../../support/ledger';
import { newCompany, newProduct, placeOrder } from '../../support/shop';

afterAll(closeDb);

const CONCURRENT = 50;
const SEQUENTIAL = 50;

describe('exactly once', () => {
  it('should place one order for one key sent 50 times at once and 50 times in sequence', async () => {
    const company = await newCompany();
    const mug = await newProduct(company.id, { stock: 100, priceCents: 700 });
    const tea = await newProduct(company.id, { stock: 100, priceCents: 300 });
    const initial = await stockOf(company.id);
    const key = randomUUID();
    const body = {
      customer: { email: 'once@example.com', name: 'Once' },
      items: [
        { productId: tea.id, quantity: 2 },
        { productId: mug.id, quantity: 1 },
      ],
    };

    await warmPool(config().DB_POOL_MAX);
    const burst = await Promise.all(
      Array.from({ length: CONCURRENT }, () => placeOrder(company.id, body, key)),
    );
    const sequence = [];
    for (let i = 0; i < SEQUENTIAL; i++) sequence.push(await placeOrder(company.id, body, key));
    const replies = [...burst, ...sequence];

    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(CONCURRENT + SEQUENTIAL - 1);
    const first = replies.find((r) => r.status === 201)?.body;
    for (const reply of replies) {
      expect(JSON.stringify(reply.body)).toBe(JSON.stringify(first));
      if (reply.status === 200) expect(reply.headers['idempotent-replayed']).toBe('true');
    }
    expect(await orderCount(company.id)).toBe(1);
    const after = await stockOf(company.id);
    expect([after.get(mug.id), after.get(tea.id)]).toEqual([99, 98]);

    const other = await placeOrder(company.id, { ...body, items: [{ productId: mug.id, quantity: 5 }] }, key);
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect(await orderCount(company.id)).toBe(1);
    expect(await stockOf(company.id)).toEqual(after);
    expect(await ledgerViolations(company.id, initial)).toEqual([]);
  });

  it('should keep one key in two companies as two independent orders', async () => {
    const [a, b] = [await newCompany(), await newCompany()];
    const pa = await newProduct(a.id, { stock: 10 });
    const pb = await newProduct(b.id, { stock: 10 });
    await warmPool(config().DB_POOL_MAX);
    const key = randomUUID();
    const order = (productId: number) => ({
      customer: { email: 'same@example.com', name: 'Same' },
      items: [{ productId, quantity: 3 }],
    });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? placeOrder(a.id, order(pa.id), key) : placeOrder(b.id, order(pb.id), key),
      ),
    );
    const created = replies.filter((r) => r.status === 201);
    expect(created.map((r) => r.body.companyId).sort()).toEqual([a.id, b.id].sort());
    expect(replies.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect([await orderCount(a.id), await orderCount(b.id)]).toEqual([1, 1]);
    expect([(await stockOf(a.id)).get(pa.id), (await stockOf(b.id)).get(pb.id)]).toEqual([7, 7]);
  });
});
