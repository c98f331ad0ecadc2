/**
 * Promise 1, no oversell: 200 concurrent orders of 1 to 4 items against products with
 * little stock. Exactly the orders that fit succeed (every refused order is still short at
 * the end), stock never goes below zero, and the quantities of the placed orders are
 * exactly the stock taken.
 *
 * Shown to fail: with the conditional decrement replaced by read-then-write (SELECT the
 * stock, check it in code, UPDATE SET stock = <the computed value>), the product with 12
 * in stock had 12 taken and 66 units in placed orders, and the test stopped there. With
 * `AND stock >= $3` merely dropped, CHECK (stock >= 0) turned the oversell into 500s
 * (23514), which the status check refuses.
 */
import fc from 'fast-check';
import { config } from '../../../lib/config';
import { createDb, type Db, setDefaultDb } from '../../../lib/db';
import { warmPool } from '../../support/db';
import { ledgerViolations, orderCount, stockOf } from '../../support/ledger';
import { newCompany, newProduct, placeOrder } from '../../support/shop';

const SEED = Number(process.env.FC_SEED ?? 1129);
const ORDERS = 200;

let database: Db;
beforeAll(() => {
  // A function instance's pool, sized for a burst: 200 callers queue for 8 connections.
  database = createDb({ ...config(), DB_POOL_MAX: 8, DB_CONNECT_TIMEOUT_MS: 60_000 });
  setDefaultDb(database);
});
afterAll(async () => {
  setDefaultDb(undefined);
  await database.close();
});

interface Line {
  productId: number;
  quantity: number;
}

describe('no oversell', () => {
  it('should place exactly the concurrent orders that fit, and take exactly their quantities', async () => {
    const company = await newCompany();
    const stocks = [12, 20, 30, 45, 60];
    const products = [];
    for (const stock of stocks) products.push(await newProduct(company.id, { stock, priceCents: 250 }));
    const initial = await stockOf(company.id);

    // 1 to 4 distinct products, 1 to 3 of each: about 1,000 units asked for 167 in stock.
    const orderArb = fc
      .uniqueArray(fc.constantFrom(...products.map((p) => p.id)), { minLength: 1, maxLength: 4 })
      .chain((ids) =>
        fc.tuple(
          ...ids.map((productId) =>
            fc.record({ productId: fc.constant(productId), quantity: fc.integer({ min: 1, max: 3 }) }),
          ),
        ),
      );
    const orders: Line[][] = fc.sample(orderArb, { seed: SEED, numRuns: ORDERS });

    await warmPool(8, database);
    const replies = await Promise.all(
      orders.map((items, i) =>
        placeOrder(company.id, { customer: { email: `buyer${i}@example.com`, name: `Buyer ${i}` }, items }),
      ),
    );

    const statuses = new Set(replies.map((r) => r.status));
    expect([...statuses].filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const final = await stockOf(company.id);
    const placed = replies.filter((r) => r.status === 201);
    expect(placed.length).toBeGreaterThan(0);
    expect(placed.length).toBeLessThan(ORDERS);

    // Stock taken equals the quantities of the placed orders, product by product, and never goes below zero.
    for (const product of products) {
      const ordered = placed
        .flatMap((r) => r.body.items)
        .filter((i) => i.productId === product.id)
        .reduce((sum, i) => sum + i.quantity, 0);
      expect([product.id, (initial.get(product.id) ?? 0) - (final.get(product.id) ?? 0)]).toEqual([
        product.id,
        ordered,
      ]);
      expect(final.get(product.id)).toBeGreaterThanOrEqual(0);
    }
    // Each refused order named a product it asked more of than was left, and still does not fit.
    orders.forEach((items, i) => {
      const reply = replies[i];
      if (reply?.status !== 409) return;
      const short = reply.body.products as { productId: number; requested: number; available: number }[];
      expect(short.length).toBeGreaterThan(0);
      for (const s of short) {
        expect(s.requested).toBeGreaterThan(s.available);
        expect(s.available).toBeGreaterThanOrEqual(final.get(s.productId) ?? 0);
      }
      expect(items.some((line) => line.quantity > (final.get(line.productId) ?? 0))).toBe(true);
    });
    expect(await orderCount(company.id)).toBe(placed.length);
    expect(await ledgerViolations(company.id, initial)).toEqual([]);
  });
});
