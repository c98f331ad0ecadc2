/**
 * Promises 6 and 7, database faults and the connection budget, on a cluster of this
 * file's own (test/support/throwaway-cluster.ts), so the shared test cluster never sees them.
 *
 * 6. The coordinator restarted under load: 503 with Retry-After while it is down, success
 *    after it with the same database value (the functions are not restarted), no request
 *    longer than the connect and statement timeouts allow, no order lost (every 201 is in
 *    the database; every order answered 503 is placed exactly once by its retry). With
 *    DB_RETRY_MS longer than the restart, no read or order is refused at all. A server
 *    that accepts connections and never answers, a frozen coordinator, and a pool held by
 *    slow queries each get a 503 within the configured wait.
 * 7. Sustained load from three function instances keeps the coordinator's connections of
 *    the application within the three pools, and nobody is told "too many clients".
 *
 * Shown to fail: with no query timeout on the pool (the server's statement timeout alone),
 * the request to the frozen coordinator hung until the test's timeout (25 s in that run).
 * With the pool wait unbounded (connectionTimeoutMillis 0), the request behind two slow
 * queries waited them out and answered 200 at 3 s instead of 503 at 1 s. With each pool
 * three times DB_POOL_MAX, the coordinator peaked at 45 application connections for a
 * budget of 15.
 */
import net from 'node:net';
import { handler as getProductHandler } from '../../../functions/products/get';
import { freezeNode, startNodeByName, stopNodeByName, thawNode } from '../../../infra/local-cluster';
import { type Config, config } from '../../../lib/config';
import { createDb, type Db, db as getDefaultDb, setDefaultDb } from '../../../lib/db';
import { routes } from '../../../lib/http/routes';
import { placeOrder as placeOrderService } from '../../../lib/shop/orders';
import { getProduct, listProducts } from '../../../lib/shop/products';
import type { Product } from '../../../lib/shop/types';
import { RETRY_AFTER } from '../../support/faults';
import { invoke } from '../../support/lambda';
import { ledgerViolations, ordersByKey, stockOf } from '../../support/ledger';
import { newCompany, newProduct, placeOrder } from '../../support/shop';
import { type LocalThrowaway, startThrowaway } from '../../support/throwaway-cluster';

jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cluster: LocalThrowaway;
let shared: Db | undefined;
const opened: Db[] = [];

/** A function instance's database on the fault cluster, with these settings. */
function instance(settings: Partial<Config> = {}, applicationName?: string): Db {
  const database = createDb({ ...config(), DATABASE_URL: cluster.url, ...settings }, { applicationName });
  opened.push(database);
  return database;
}

beforeAll(async () => {
  // A coordinator and one worker (one plain node without Citus): its coordinator is
  // stopped, restarted and frozen while this file's requests run.
  cluster = await startThrowaway({ database: 'distribushop_faults', workers: 1, pooler: 'off' });
  shared = setDefaultDb(instance({ DB_CONNECT_TIMEOUT_MS: 2_000, DB_STATEMENT_TIMEOUT_MS: 3_000 }));
}, 180_000);

afterAll(async () => {
  setDefaultDb(shared);
  for (const database of opened) await database.close().catch(() => undefined);
  await cluster?.destroy();
});

/** Quiets the error log lines a fault is expected to produce (they go to the log, not to callers). */
function quietly(): () => void {
  const spies = [jest.spyOn(console, 'error').mockImplementation(() => undefined)];
  return () => {
    for (const spy of spies) spy.mockRestore();
  };
}

interface Outcome {
  status: number;
  ms: number;
  startedAt: number;
  endedAt: number;
  retryAfter?: string;
  key?: string;
  orderId?: number;
}

interface Restart {
  outcomes: Outcome[];
  /** When the coordinator was stopped, and when it was started again. */
  stoppedAt: number;
  startedAt: number;
  company: number;
  body: { customer: { email: string; name: string }; items: { productId: number; quantity: number }[] };
  initial: Map<number, number>;
}

/**
 * Eight clients, half placing orders (each its own Idempotency-Key) and half reading a
 * product, through the handlers and `database`, while the coordinator is stopped for
 * `downMs` and started again.
 */
async function restartUnderLoad(database: Db, downMs: number): Promise<Restart> {
  const company = await newCompany();
  const product = await newProduct(company.id, { stock: 1_000_000 });
  const initial = await stockOf(company.id);
  const body = {
    customer: { email: 'steady@example.com', name: 'Steady' },
    items: [{ productId: product.id, quantity: 1 }],
  };
  const outcomes: Outcome[] = [];
  let running = true;
  let n = 0;
  const client = async (worker: number) => {
    while (running) {
      const startedAt = Date.now();
      n += 1;
      if (worker % 2 === 0) {
        const key = `restart-${company.id}-${n}`;
        const reply = await placeOrder(company.id, body, key);
        outcomes.push({
          status: reply.status,
          ms: Date.now() - startedAt,
          startedAt,
          endedAt: Date.now(),
          key,
          retryAfter: reply.headers['Retry-After'] as string,
          orderId: reply.body.id,
        });
      } else {
        const reply = await invoke(getProductHandler, routes.getProduct, {
          params: { companyId: company.id, productId: product.id },
        });
        outcomes.push({
          status: reply.status,
          ms: Date.now() - startedAt,
          startedAt,
          endedAt: Date.now(),
          retryAfter: reply.headers['Retry-After'] as string,
        });
      }
      await sleep(25);
    }
  };
  const previous = setDefaultDb(database);
  const restore = quietly();
  let stoppedAt = 0;
  let startedAt = 0;
  try {
    const clients = Array.from({ length: 8 }, (_, i) => client(i));
    await sleep(1_000);
    stoppedAt = Date.now();
    await stopNodeByName(cluster.dir, 'coordinator');
    await sleep(downMs);
    await startNodeByName(cluster.dir, 'coordinator');
    startedAt = Date.now();
    await sleep(4_000);
    running = false;
    await Promise.all(clients);
  } finally {
    restore();
    setDefaultDb(previous);
  }
  return { outcomes, stoppedAt, startedAt, company: company.id, body, initial };
}

/**
 * No order lost: each 201 is in the database, and each order answered 503 is placed once
 * by its retry (200: it had committed; 201: it had not); the stock adds up.
 */
async function expectNoOrderLost({ outcomes, company, body, initial }: Restart): Promise<number> {
  const orders = outcomes.filter((o) => o.key !== undefined);
  for (const o of orders.filter((x) => x.status === 503)) {
    const retry = await placeOrder(company, body, o.key as string);
    expect([200, 201]).toContain(retry.status);
    o.orderId = retry.body.id;
  }
  const byKey = await ordersByKey(company);
  for (const o of orders) expect([o.key, byKey.get(o.key as string)]).toEqual([o.key, o.orderId]);
  expect(byKey.size).toBe(orders.length);
  expect(await ledgerViolations(company, initial)).toEqual([]);
  return byKey.size;
}

describe('the coordinator restarted under load', () => {
  const DB_CONNECT_TIMEOUT_MS = 2_000;
  const DB_STATEMENT_TIMEOUT_MS = 3_000;
  // Connect, statement, the client-side query timeout's margin, and the event loop's share.
  const bound = DB_CONNECT_TIMEOUT_MS + DB_STATEMENT_TIMEOUT_MS + 2_000 + 1_000;

  it('should answer 503 with Retry-After while it is down, then serve again, losing no order', async () => {
    const restart = await restartUnderLoad(getDefaultDb(), 2_000);
    const { outcomes, stoppedAt, startedAt } = restart;
    const statuses = new Set(outcomes.map((o) => o.status));
    expect([...statuses].filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.filter((o) => !RETRY_AFTER.test(o.retryAfter ?? ''))).toEqual([]);
    expect(outcomes.filter((o) => o.endedAt < stoppedAt).every((o) => o.status < 300)).toBe(true);
    // Served again by the same database value, within a second of the restart.
    const after = outcomes.filter((o) => o.startedAt > startedAt + 1_000);
    expect(after.length).toBeGreaterThan(10);
    expect(after.filter((o) => o.status >= 300)).toEqual([]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(bound);
    const placed = await expectNoOrderLost(restart);
    process.stdout.write(
      `\ncoordinator restart: ${outcomes.length} requests, ${unavailable.length} answered 503, 0 other errors, ` +
        `${outcomes.filter((o) => o.key).length} orders tried, ${placed} placed once each, slowest ${Math.max(...outcomes.map((o) => o.ms))} ms\n`,
    );
  });

  it('should answer every read and order of a restart shorter than DB_RETRY_MS, each order created once', async () => {
    const retryMs = 8_000;
    const restart = await restartUnderLoad(
      instance({ DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS, DB_RETRY_MS: retryMs, DB_POOL_MAX: 10 }),
      2_000,
    );
    const { outcomes, stoppedAt } = restart;
    // Reads are sent again, and so are order calls (their Idempotency-Key makes a second
    // run find the first one's order): nobody is refused, and an order whose first run
    // committed before the connection was cut is still answered 201, not 200, since the
    // order's id is the one this request drew.
    expect(outcomes.filter((o) => o.status !== (o.key ? 201 : 200))).toEqual([]);
    const during = outcomes.filter((o) => o.startedAt >= stoppedAt - 200 && o.startedAt < restart.startedAt);
    expect(during.length).toBeGreaterThan(0);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(retryMs + bound);
    const placed = await expectNoOrderLost(restart);
    process.stdout.write(
      `\ncoordinator restart with DB_RETRY_MS=${retryMs}: ${outcomes.length} requests, ${during.length} sent while it was down, 0 refused, ` +
        `${placed} orders placed once each, slowest ${Math.max(...outcomes.map((o) => o.ms))} ms\n`,
    );
  });
});

describe('bounded waits', () => {
  let companyId: number;
  let product: Product;
  beforeAll(async () => {
    companyId = (await newCompany()).id;
    product = await newProduct(companyId);
  });

  async function timedGet(database: Db) {
    const previous = setDefaultDb(database);
    const restore = quietly();
    const started = Date.now();
    try {
      const reply = await invoke(getProductHandler, routes.getProduct, {
        params: { companyId, productId: product.id },
      });
      return { reply, ms: Date.now() - started };
    } finally {
      restore();
      setDefaultDb(previous);
    }
  }

  it('should answer 503 within the connect timeout when the server accepts and never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const database = createDb({
      ...config(),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x`,
      DB_CONNECT_TIMEOUT_MS: 1_000,
    });
    try {
      const { reply, ms } = await timedGet(database);
      expect(reply.status).toBe(503);
      expect(reply.headers['Retry-After']).toMatch(RETRY_AFTER);
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(2_500);
    } finally {
      await database.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('should answer 503 within the configured wait when slow queries hold the whole pool', async () => {
    const database = instance({
      DB_POOL_MAX: 2,
      DB_CONNECT_TIMEOUT_MS: 1_000,
      DB_STATEMENT_TIMEOUT_MS: 10_000,
    });
    const slow = [database.query('SELECT pg_sleep(3)'), database.query('SELECT pg_sleep(3)')];
    await sleep(200);
    const { reply, ms } = await timedGet(database);
    expect(reply.status).toBe(503);
    expect(reply.headers['Retry-After']).toMatch(RETRY_AFTER);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(2_500);
    await Promise.all(slow);
    expect((await timedGet(database)).reply.status).toBe(200);
  });

  it('should answer 503 within the query timeout when the coordinator is frozen, and serve once it thaws', async () => {
    const database = instance({ DB_CONNECT_TIMEOUT_MS: 1_000, DB_STATEMENT_TIMEOUT_MS: 1_000 });
    expect((await timedGet(database)).reply.status).toBe(200);
    await freezeNode(cluster.dir, 'coordinator');
    let frozen: Awaited<ReturnType<typeof timedGet>>[];
    try {
      // One request finds the idle connection (query timeout), the other needs a new one (connect timeout).
      frozen = await Promise.all([timedGet(database), timedGet(database)]);
    } finally {
      await thawNode(cluster.dir, 'coordinator');
    }
    for (const { reply, ms } of frozen) {
      expect(reply.status).toBe(503);
      expect(ms).toBeLessThan(1_000 + 2_000 + 1_500);
    }
    await sleep(500);
    expect((await timedGet(database)).reply.status).toBe(200);
  });
});

describe('the connection budget', () => {
  it('should keep the coordinator within the pools of three function instances under sustained load', async () => {
    const poolMax = 5;
    const instances = [1, 2, 3].map((n) => instance({ DB_POOL_MAX: poolMax }, `distribushop-instance-${n}`));
    const sampler = createDb(
      { ...config(), DATABASE_URL: cluster.url, DB_POOL_MAX: 1 },
      { applicationName: 'distribushop-sampler' },
    );
    opened.push(sampler);
    const company = await newCompany();
    const products = [
      await newProduct(company.id, { stock: 1_000_000 }),
      await newProduct(company.id, { stock: 1_000_000 }),
    ];
    const { rows } = await sampler.query<{ max: number; reserved: number }>(
      "SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS reserved",
    );
    const serverLimit = (rows[0]?.max ?? 0) - (rows[0]?.reserved ?? 0);

    let running = true;
    const samples: { app: number; busiest: number; all: number }[] = [];
    const sample = async () => {
      while (running) {
        // Per instance (application_name), and in all.
        const counts = await sampler.query<{ app: number; busiest: number; all: number }>(
          `SELECT coalesce(sum(n) FILTER (WHERE instance), 0)::int AS app,
                  coalesce(max(n) FILTER (WHERE instance), 0)::int AS busiest,
                  coalesce(sum(n), 0)::int AS all
             FROM (SELECT application_name LIKE 'distribushop-instance-%' AS instance, application_name, count(*) AS n
                     FROM pg_stat_activity WHERE backend_type = 'client backend'
                    GROUP BY 1, 2) per_application`,
        );
        if (counts.rows[0]) samples.push(counts.rows[0]);
        await sleep(50);
      }
    };
    const errors: string[] = [];
    let requests = 0;
    const client = async (i: number) => {
      const database = instances[i % instances.length] as Db;
      const productId = (products[i % 2] as Product).id;
      while (running) {
        requests += 1;
        try {
          if (i % 3 === 0) {
            await placeOrderService(
              company.id,
              `budget-${i}-${requests}`,
              { customer: { email: `b${i}@example.com`, name: 'B' }, items: [{ productId, quantity: 1 }] },
              database,
            );
          } else if (i % 3 === 1) await getProduct(company.id, productId, database);
          else await listProducts(company.id, { limit: 20 }, database);
        } catch (error: unknown) {
          errors.push(String(error));
        }
      }
    };
    const sampling = sample();
    const clients = Array.from({ length: 60 }, (_, i) => client(i));
    await sleep(8_000);
    running = false;
    await Promise.all([...clients, sampling]);

    const peak = Math.max(...samples.map((s) => s.app));
    const peakAll = Math.max(...samples.map((s) => s.all));
    process.stdout.write(
      `\nconnection budget: ${requests} requests in 8 s from 60 callers on 3 instances of ${poolMax}; ` +
        `coordinator peak ${peak} application connections (budget ${instances.length * poolMax}), ${peakAll} client backends in all (server limit ${serverLimit})\n`,
    );
    expect(errors).toEqual([]);
    expect(peak).toBeLessThanOrEqual(instances.length * poolMax);
    expect(Math.max(...samples.map((s) => s.busiest))).toBeLessThanOrEqual(poolMax);
    // The budget was used: the load was real.
    expect(peak).toBeGreaterThanOrEqual(instances.length * poolMax - 2);
    expect(peakAll).toBeLessThan(serverLimit);
  });
});
