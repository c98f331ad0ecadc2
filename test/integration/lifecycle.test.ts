/**
 * The cluster's lifecycle on a cluster of this file's own (test/support/throwaway-cluster.ts):
 * workers that come back under other addresses, a lost worker, a stopped and a frozen
 * worker, and a worker added while the shop serves. Citus tier only: Citus does the work.
 */
import { randomUUID } from 'node:crypto';
import { handler as createCompany } from '../../functions/companies/create';
import { handler as placeOrderHandler } from '../../functions/orders/place';
import { handler as createProduct } from '../../functions/products/create';
import { handler as getProduct } from '../../functions/products/get';
import { handler as health } from '../../functions/system/health';
import {
  addWorker,
  freezeNode,
  moveNode,
  startNodeByName,
  stopNodeByName,
  thawNode,
} from '../../infra/local-cluster';
import { rebalanceStatus, waitForRebalance } from '../../lib/cluster/rebalance';
import { tenantPlacement } from '../../lib/cluster/tenants';
import { createDb, type Db, setDefaultDb } from '../../lib/db';
import { REFERENCE_TABLES } from '../../lib/db/catalog';
import { ClusterOperationError } from '../../lib/errors';
import { routes } from '../../lib/http/routes';
import type { Company, Product } from '../../lib/shop/types';
import { invoke } from '../support/lambda';
import { type LocalThrowaway, NODES_TO_BREAK, startThrowaway } from '../support/throwaway-cluster';
import { describeCitus } from '../support/tiers';

jest.setTimeout(240_000);

interface Tenant {
  company: Company;
  product: Product;
  /** The launcher's name of the worker that holds it. */
  worker: string;
}

describeCitus('cluster lifecycle', () => {
  let cluster: LocalThrowaway;
  let app: Db;
  const tenants: Tenant[] = [];

  /** The launcher's port of a worker, as it is now. */
  const portOf = async (name: string) => (await cluster.state()).workers.find((w) => w.name === name)?.port;

  async function locate(): Promise<void> {
    const { workers } = await cluster.state();
    const workerAt = (host: string, port: number) =>
      workers.find((w) => w.host === host && w.port === port)?.name ?? `${host}:${port}`;
    for (const tenant of tenants) {
      const where = await tenantPlacement(cluster.db, tenant.company.id);
      tenant.worker = where ? workerAt(where.host, where.port) : 'unknown';
    }
  }

  const read = (t: Tenant) =>
    invoke<Product>(getProduct, routes.getProduct, {
      params: { companyId: t.company.id, productId: t.product.id },
    });

  const order = (t: Tenant) =>
    invoke(placeOrderHandler, routes.placeOrder, {
      params: { companyId: t.company.id },
      headers: { 'idempotency-key': randomUUID() },
      body: {
        customer: { email: 'load@example.com', name: 'Load' },
        items: [{ productId: t.product.id, quantity: 1 }],
      },
    });

  async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
    const started = performance.now();
    const value = await work();
    return { ms: performance.now() - started, value };
  }

  beforeAll(async () => {
    // Every 503 below is logged as an error, on purpose.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    cluster = await startThrowaway(NODES_TO_BREAK);
    // The functions' default database, pointed at this cluster with the request path's timeouts.
    app = createDb({ ...(await cluster.config()), DB_POOL_MAX: 10 });
    setDefaultDb(app);
    for (let i = 0; i < 8; i++) {
      const company = await invoke<Company>(createCompany, routes.createCompany, {
        body: { name: `Tenant ${i}` },
      });
      const product = await invoke<Product>(createProduct, routes.createProduct, {
        params: { companyId: company.body.id },
        body: { name: 'Lamp', sku: `LAMP-${i}`, priceCents: 1000, stock: 100_000 },
      });
      tenants.push({ company: company.body, product: product.body, worker: '' });
    }
    await locate();
  });

  afterAll(async () => {
    setDefaultDb(undefined);
    await app?.close();
    await cluster?.destroy();
  });

  /** A tenant on `worker` and one elsewhere. */
  function pick(worker: string): { on: Tenant; other: Tenant } {
    const on = tenants.find((t) => t.worker === worker);
    const other = tenants.find((t) => t.worker !== worker);
    if (!on || !other) throw new Error(`no tenants both on and off ${worker}: ${JSON.stringify(tenants)}`);
    return { on, other };
  }

  it('should hold tenants on both workers', () => {
    expect(new Set(tenants.map((t) => t.worker))).toEqual(new Set(['worker1', 'worker2']));
  });

  it('should detect workers that came back on other addresses and repair their registration', async () => {
    const [w1, w2] = (await cluster.state()).workers;
    if (!w1 || !w2) throw new Error('two workers expected');
    const [port1, port2] = [w1.port, w2.port];
    // The two workers trade addresses (as containers do when they restart), then one of
    // them moves again to an address nobody had.
    await moveNode(cluster.dir, 'worker1', port2 + 100);
    await moveNode(cluster.dir, 'worker2', port1);
    await moveNode(cluster.dir, 'worker1', port2);
    await moveNode(cluster.dir, 'worker2', port1 + 200);
    const summary = await cluster.setup();
    expect(summary.registration.moved.map((m) => m.to.port).sort()).toEqual([port1 + 200, port2].sort());
    expect(summary.checks.every((c) => c.level === 'ok')).toBe(true);
    const { rows } = await cluster.db.query<{ port: number }>(
      "SELECT nodeport AS port FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' ORDER BY 1",
    );
    expect(rows.map((r) => r.port)).toEqual([port2, port1 + 200].sort((a, b) => a - b));
    await locate();
    for (const tenant of tenants) expect((await read(tenant)).status).toBe(200);
  });

  it('should name a configured worker that does not answer, within seconds, and change nothing', async () => {
    const { on } = pick('worker2');
    await stopNodeByName(cluster.dir, 'worker2');
    try {
      const { ms, value } = await timed(() =>
        cluster.setup({ WORKER_WAIT_SECONDS: '1' }).then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
      expect(value).toBeInstanceOf(ClusterOperationError);
      const port = await portOf('worker2');
      expect(String((value as Error).message)).toContain(`worker 127.0.0.1:${port} did not answer within 1s`);
      expect(ms).toBeLessThan(10_000);
    } finally {
      await startNodeByName(cluster.dir, 'worker2');
    }
    expect((await read(on)).status).toBe(200);
  });

  it('should answer 503 within 3 s for the tenants of a stopped worker, 200 for the others, and recover', async () => {
    const { on, other } = pick('worker1');
    await stopNodeByName(cluster.dir, 'worker1');
    try {
      const down = await timed(() => read(on));
      expect(down.value.status).toBe(503);
      expect(down.value.headers['Retry-After']).toBeDefined();
      expect(String((down.value.body as unknown as { detail: string }).detail)).toContain(
        'The database node that holds this data is not reachable',
      );
      expect(down.ms).toBeLessThan(3000);
      const orderDown = await timed(() => order(on));
      expect(orderDown.value.status).toBe(503);
      expect(orderDown.ms).toBeLessThan(3000);
      expect((await read(other)).status).toBe(200);
      expect((await order(other)).status).toBe(201);
      const report = await invoke<{ status: string; unreachableWorkers: string[] }>(health, routes.health);
      const port = await portOf('worker1');
      expect(report.body).toMatchObject({ status: 'degraded', unreachableWorkers: [`127.0.0.1:${port}`] });
    } finally {
      await startNodeByName(cluster.dir, 'worker1');
    }
    // Back without restarting anything: the same functions, the same pool.
    expect((await read(on)).status).toBe(200);
    expect((await order(on)).status).toBe(201);
  });

  it('should answer 503 within 3 s for the tenants of a frozen worker without holding up the others', async () => {
    const { on, other } = pick('worker2');
    const stockBefore = (await read(on)).body.stock;
    await freezeNode(cluster.dir, 'worker2');
    let stuck: { ms: number; value: { status: number } }[];
    let healthy: { ms: number; value: { status: number } }[];
    try {
      // Requests for the frozen worker's tenant and for another tenant, all at once.
      [stuck, healthy] = await Promise.all([
        Promise.all([timed(() => read(on)), timed(() => order(on)), timed(() => read(on))]),
        Promise.all([timed(() => read(other)), timed(() => order(other)), timed(() => read(other))]),
      ]);
    } finally {
      await thawNode(cluster.dir, 'worker2');
    }
    for (const r of stuck) {
      expect(r.value.status).toBe(503);
      expect(r.ms).toBeLessThan(3000);
    }
    expect(healthy.map((r) => r.value.status)).toEqual([200, 201, 200]);
    for (const r of healthy) expect(r.ms).toBeLessThan(1000);
    // No half-written order: the stock is what it was, and the tenant works again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await read(on)).body.stock).toBe(stockBefore);
    expect((await order(on)).status).toBe(201);
  });

  it('should add a worker and move shards and reference tables onto it while reads and orders keep succeeding', async () => {
    const { node } = await addWorker(cluster.dir, { fast: true });
    const statuses: number[] = [];
    let moving = true;
    const load = (async () => {
      let i = 0;
      while (moving) {
        const tenant = tenants[i % tenants.length] as Tenant;
        statuses.push((await (i % 4 === 0 ? order(tenant) : read(tenant))).status);
        i += 1;
      }
    })();
    try {
      const summary = await cluster.setup();
      expect(summary.registration.added).toEqual([{ host: node.host, port: node.port }]);
      expect(summary.rebalance.outcome).toBe('started');
      const check = summary.checks.find((c) => c.name === 'shards on every worker');
      expect(check?.level).not.toBe('fail');
      const done = await waitForRebalance(cluster.db, () => {}, 250);
      expect(done.state).toBe('finished');
    } finally {
      moving = false;
      await load;
    }
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
    const { rows } = await cluster.db.query<{ kind: string; n: number }>(
      `SELECT citus_table_type AS kind, count(*)::int AS n FROM citus_shards
        WHERE nodename = $1 AND nodeport = $2 GROUP BY 1 ORDER BY 1`,
      [node.host, node.port],
    );
    expect(rows.map((r) => r.kind)).toEqual(['distributed', 'reference']);
    expect(rows.find((r) => r.kind === 'reference')?.n).toBe(REFERENCE_TABLES.length);
    expect((await rebalanceStatus(cluster.db)).running).toBe(false);
    const again = await cluster.setup();
    expect(again.rebalance.outcome).toBe('not-needed');
    expect(again.checks.every((c) => c.level === 'ok')).toBe(true);
  });
});
