/**
 * Promise 3, atomic: a fault between any two statements of placing an order, or at its
 * COMMIT, leaves nothing behind. Its connection is terminated (pg_terminate_backend), a
 * statement times out, or the last item violates a constraint; afterwards there is no
 * order without items, no stock taken without an order, no Idempotency-Key claimed
 * without its order, and a retry with the same key places the order exactly once.
 *
 * Shown to fail: with the key claimed in a statement of its own before the transaction
 * (autocommitted), all 20 fault cases failed, each with "key … is claimed without its
 * order (order null, status 202)". Against the real code this test also found two faults
 * of the database module: a connection terminated between two statements of a
 * transaction was an unhandled 'error' event (which ends a Lambda process), and the next
 * statement's "not queryable" error answered 500 instead of 503.
 */
import { randomUUID } from 'node:crypto';
import { handler as placeOrderHandler } from '../../../functions/orders/place';
import { config } from '../../../lib/config';
import { createDb, type Db, db, type Queryable, setDefaultDb } from '../../../lib/db';
import { routes } from '../../../lib/http/routes';
import type { Product } from '../../../lib/shop/types';
import { closeDb } from '../../support/db';
import {
  type FaultPoint,
  type Injector,
  RETRY_AFTER,
  terminateBackend,
  timeOut,
  withFaults,
} from '../../support/faults';
import { invoke } from '../../support/lambda';
import { ledgerViolations, ordersByKey, stockOf } from '../../support/ledger';
import { newCompany, newProduct, placeOrder } from '../../support/shop';

/** Statements of an order of two products by a new customer, then its COMMIT. */
const STATEMENTS = 8;
const POINTS: FaultPoint[] = [...Array.from({ length: STATEMENTS }, (_, i) => i + 1), 'commit'];

let admin: Db;
beforeAll(() => {
  admin = createDb(config(), { applicationName: 'distribushop-test-admin' });
});
afterAll(async () => {
  await admin.close();
  await closeDb();
});

async function shop() {
  const company = await newCompany();
  const products: Product[] = [];
  for (const stock of [50, 50, 50]) products.push(await newProduct(company.id, { stock }));
  return { company, products, initial: await stockOf(company.id) };
}

const orderOf = (products: Product[], customer = `c-${randomUUID()}@example.com`) => ({
  customer: { email: customer, name: 'Faulty' },
  items: products.map((p, i) => ({ productId: p.id, quantity: i + 1 })),
});

/** Places one order through the handler on a database with `inject` in its transactions. */
async function placeWithFault(companyId: number, body: unknown, key: string, inject: Injector) {
  const faulty = withFaults(db(), inject);
  const shared = setDefaultDb(faulty);
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await invoke(placeOrderHandler, routes.placeOrder, {
      params: { companyId },
      headers: { 'idempotency-key': key },
      body,
    });
  } finally {
    logged.mockRestore();
    setDefaultDb(shared);
  }
}

/** After a fault: nothing half written, and the same key places the order once. */
async function expectRecovered(companyId: number, body: unknown, key: string, initial: Map<number, number>) {
  expect(await ledgerViolations(companyId, initial)).toEqual([]);
  expect((await ordersByKey(companyId)).has(key)).toBe(false);
  const retry = await placeOrder(companyId, body, key);
  expect(retry.status).toBe(201);
  const again = await placeOrder(companyId, body, key);
  expect([again.status, again.body.id]).toEqual([200, retry.body.id]);
  expect(await ledgerViolations(companyId, initial)).toEqual([]);
}

describe('atomic orders', () => {
  it(`should send ${STATEMENTS} statements and a COMMIT for an order of two products by a new customer`, async () => {
    const { company, products } = await shop();
    const seen: FaultPoint[] = [];
    const reply = await placeWithFault(
      company.id,
      orderOf(products.slice(0, 2)),
      randomUUID(),
      async (point) => {
        seen.push(point);
        return undefined;
      },
    );
    expect(reply.status).toBe(201);
    expect(seen).toEqual(POINTS);
  });

  const faults: [string, (tx: Queryable) => Promise<void>][] = [
    ['the connection is terminated', (tx) => terminateBackend(tx, admin)],
    ['a statement times out', timeOut],
  ];
  const cases = faults.flatMap(([fault, act]) => POINTS.map((at) => [fault, at, act] as const));

  it.each(cases)('should leave nothing behind when %s before statement %s', async (_fault, at, act) => {
    const { company, products, initial } = await shop();
    const body = orderOf(products.slice(0, 2));
    const key = randomUUID();
    const reply = await placeWithFault(company.id, body, key, async (point, _statement, tx) => {
      if (point === at) await act(tx);
      return undefined;
    });
    expect(reply.status).toBe(503);
    expect(reply.headers['Retry-After']).toMatch(RETRY_AFTER);
    await expectRecovered(company.id, body, key, initial);
  });

  it('should leave nothing behind when the last item violates a constraint', async () => {
    const { company, products, initial } = await shop();
    const body = orderOf(products);
    const key = randomUUID();
    const reply = await placeWithFault(company.id, body, key, async (_point, { text, params }) => {
      if (!text.startsWith('INSERT INTO order_items') || !params) return undefined;
      // The last item's unit price, below CHECK (unit_price_cents >= 0).
      return [...params.slice(0, -1), -1];
    });
    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({ type: '/problems/internal' });
    expect(JSON.stringify(reply.body)).not.toMatch(/order_items|unit_price|check/i);
    await expectRecovered(company.id, body, key, initial);
  });

  it('should leave nothing behind when its stock update waits on a lock past the statement timeout', async () => {
    const { company, products, initial } = await shop();
    const body = orderOf(products.slice(0, 2));
    const key = randomUUID();
    const impatient = createDb({ ...config(), DB_STATEMENT_TIMEOUT_MS: 1_000 });
    const shared = setDefaultDb(impatient);
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let reply: Awaited<ReturnType<typeof placeOrder>> | undefined;
    try {
      // Another transaction holds the second product's row for longer than the timeout.
      await admin.withTransaction(async (tx) => {
        await tx.query('SELECT 1 FROM products WHERE company_id = $1 AND id = $2 FOR UPDATE', [
          company.id,
          products[1]?.id,
        ]);
        reply = await placeOrder(company.id, body, key);
      });
    } finally {
      logged.mockRestore();
      setDefaultDb(shared);
      await impatient.close();
    }
    expect(reply?.status).toBe(503);
    await expectRecovered(company.id, body, key, initial);
  });
});
