/**
 * The functions behind PgBouncer in transaction mode, as they run under serverless
 * concurrency: every instance with its own connection to the pooler, the coordinator
 * holding a bounded number. Runs when the test cluster has PgBouncer in front (Debian's
 * pgbouncer installed; .ci/run installs it), and is reported as skipped otherwise.
 */
import { Client } from 'pg';
import { handler as getOrder } from '../../functions/orders/get';
import { handler as placeOrderHandler } from '../../functions/orders/place';
import { handler as getProduct } from '../../functions/products/get';
import { POOLER_POOL_SIZE } from '../../infra/local-cluster';
import { loadConfig } from '../../lib/config';
import { createDb, type Db, setDefaultDb } from '../../lib/db';
import { routes } from '../../lib/http/routes';
import { closeDb, query } from '../support/db';
import { invoke } from '../support/lambda';
import { newCompany, newProduct, placeOrder } from '../support/shop';

const poolerUrl = process.env.TEST_POOLER_URL;
const describePooler = poolerUrl ? describe : describe.skip;
if (!poolerUrl) {
  console.log('PgBouncer is not installed (Debian: apt-get install pgbouncer): the pooler tests are SKIPPED');
}

afterAll(closeDb);

/** The connections PgBouncer holds to the coordinator now, from its admin console. */
async function serverConnections(admin: Client): Promise<number> {
  const { rows } = await admin.query<{ database: string }>('SHOW SERVERS');
  return rows.length;
}

describePooler('the functions through PgBouncer (transaction pooling)', () => {
  let pooled: Db;
  let previous: Db | undefined;
  beforeAll(() => {
    // One connection, as a function instance has.
    pooled = createDb({ ...loadConfig(), DATABASE_URL: poolerUrl as string, DB_POOL_MAX: 1 });
  });
  afterAll(async () => {
    await pooled.close();
  });

  it("should run the handlers' bound statements and the delegated order call", async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 5, priceCents: 250 });
    previous = setDefaultDb(pooled);
    try {
      const body = {
        customer: { email: 'pooled@example.com', name: 'P' },
        items: [{ productId: product.id, quantity: 2 }],
      };
      const placed = await placeOrder(company.id, body, 'through-the-pooler');
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ totalCents: 500 });
      const replay = await placeOrder(company.id, body, 'through-the-pooler');
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(placed.body);
      const got = await invoke(getOrder, routes.getOrder, {
        params: { companyId: company.id, orderId: placed.body.id },
      });
      expect(got.body).toEqual(placed.body);
      const stock = await invoke<{ stock: number }>(getProduct, routes.getProduct, {
        params: { companyId: company.id, productId: product.id },
      });
      expect(stock.body.stock).toBe(3);
      const refused = await invoke(placeOrderHandler, routes.placeOrder, {
        params: { companyId: company.id },
        headers: { 'idempotency-key': 'through-the-pooler' },
        body: { ...body, items: [{ productId: product.id, quantity: 1 }] },
      });
      expect(refused.status).toBe(422);
    } finally {
      setDefaultDb(previous);
    }
  });

  it("should bound every pooled session as the functions' own sessions are", async () => {
    const { rows } = await pooled.query<{ statement: string; node: string }>(
      "SELECT current_setting('statement_timeout') AS statement, current_setting('citus.node_connection_timeout', true) AS node",
    );
    expect(rows[0]).toEqual({ statement: '2500ms', node: expect.stringMatching(/^(1500ms|1500)$/) });
  });

  it("should serve more clients than the coordinator's max_connections within its pool size", async () => {
    const { rows } = await query<{ max: number }>("SELECT current_setting('max_connections')::int AS max");
    const clients = (rows[0]?.max ?? 100) + 50;
    const admin = new Client({ connectionString: poolerUrl?.replace(/\/[^/]*$/, '/pgbouncer') });
    await admin.connect();
    const instances = Array.from({ length: clients }, () => new Client({ connectionString: poolerUrl }));
    let peak = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        peak = Math.max(peak, await serverConnections(admin));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await Promise.all(instances.map((c) => c.connect()));
      const results = await Promise.allSettled(
        instances.map((c, i) => c.query('SELECT $1::int AS i, pg_sleep(0.05)', [i])),
      );
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    } finally {
      watching = false;
      await watch;
      await admin.end();
      await Promise.all(instances.map((c) => c.end().catch(() => {})));
    }
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(POOLER_POOL_SIZE);
  });
});
