/**
 * Operating the cluster on a cluster of this file's own: the maintenance job, the ad
 * statistics rollup, GET /cluster with a worker down, and tenant placement and isolation.
 * Citus tier only: Citus does the work.
 */
import { randomUUID } from 'node:crypto';
import { handler as getCampaign } from '../../functions/campaigns/get';
import { handler as createCompany } from '../../functions/companies/create';
import { handler as placeOrderHandler } from '../../functions/orders/place';
import { handler as createProduct } from '../../functions/products/create';
import { handler as getProduct } from '../../functions/products/get';
import { handler as clusterStatusHandler } from '../../functions/system/cluster';
import { freezeNode, startNodeByName, stopNodeByName, thawNode } from '../../infra/local-cluster';
import type { ClusterStatus } from '../../lib/cluster/status';
import { isolateTenant, tenantPlacement } from '../../lib/cluster/tenants';
import { createDb, type Db, setDefaultDb } from '../../lib/db';
import { routes } from '../../lib/http/routes';
import { MAINTENANCE_STEPS, runMaintenance } from '../../lib/jobs/maintenance';
import type { CampaignDetail, Company, Product } from '../../lib/shop/types';
import { invoke } from '../support/lambda';
import { type LocalThrowaway, NODES_TO_BREAK, startThrowaway } from '../support/throwaway-cluster';
import { describeCitus } from '../support/tiers';

jest.setTimeout(240_000);

describeCitus('operating the cluster', () => {
  let cluster: LocalThrowaway;
  let app: Db;

  beforeAll(async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    cluster = await startThrowaway(NODES_TO_BREAK);
    app = createDb({ ...(await cluster.config()), DB_POOL_MAX: 10 });
    setDefaultDb(app);
  });

  afterAll(async () => {
    setDefaultDb(undefined);
    await app?.close();
    await cluster?.destroy();
  });

  async function newTenant(name: string): Promise<{ company: Company; product: Product }> {
    const company = await invoke<Company>(createCompany, routes.createCompany, { body: { name } });
    const product = await invoke<Product>(createProduct, routes.createProduct, {
      params: { companyId: company.body.id },
      body: { name: 'Kettle', sku: `KET-${randomUUID().slice(0, 8)}`, priceCents: 2500, stock: 100_000 },
    });
    return { company: company.body, product: product.body };
  }

  describe('maintenance', () => {
    it('should run every step, twice, harmlessly, and report each', async () => {
      for (let run = 0; run < 2; run++) {
        const report = await runMaintenance(cluster.db);
        expect(report.steps.map((s) => s.step)).toEqual([...MAINTENANCE_STEPS]);
        expect(report.steps.filter((s) => !s.ok)).toEqual([]);
        expect(report.ok).toBe(true);
        expect(report.steps.find((s) => s.step === 'rebalance')?.result).toBe('balanced');
      }
    });

    it('should report a failing step and still run the others', async () => {
      const report = await runMaintenance(cluster.db, { analyzeTables: ['companies', 'no_such_table'] });
      expect(report.ok).toBe(false);
      const failed = report.steps.filter((s) => !s.ok);
      expect(failed.map((s) => s.step)).toEqual(['analyze']);
      expect(failed[0]?.result).toContain('no_such_table');
      expect(report.steps.map((s) => s.step)).toEqual([...MAINTENANCE_STEPS]);
    });

    it('should purge expired idempotency keys in bounded batches', async () => {
      const { company } = await newTenant('Keys Co');
      await cluster.db.query(
        `INSERT INTO idempotency_keys (company_id, key, request_hash, status_code, response, expires_at)
         SELECT $1::bigint, 'old-' || g, 'h', 201, '{}', now() - interval '1 minute' FROM generate_series(1, 25) g
         UNION ALL SELECT $1::bigint, 'live', 'h', 201, '{}', now() + interval '1 hour'`,
        [company.id],
      );
      const first = await runMaintenance(cluster.db, {
        only: ['purge-idempotency-keys'],
        purgeBatchSize: 10,
        purgeMaxBatches: 2,
      });
      expect(first.steps[0]?.result).toMatch(/^purged 20 expired keys; more remain/);
      const second = await runMaintenance(cluster.db, {
        only: ['purge-idempotency-keys'],
        purgeBatchSize: 10,
      });
      expect(second.steps[0]?.result).toBe('purged 5 expired keys');
      const { rows } = await cluster.db.query<{ key: string }>(
        'SELECT key FROM idempotency_keys WHERE company_id = $1',
        [company.id],
      );
      expect(rows.map((r) => r.key)).toEqual(['live']);
    });
  });

  describe('ad statistics rollup', () => {
    let companyId: number;
    let campaignId: number;
    let adIds: number[];

    /** Events through the coordinator, as the application writes them. */
    async function events(impressions: number, clicks: number, day: string) {
      for (const [i, adId] of adIds.entries()) {
        await cluster.db.query(
          `INSERT INTO impressions (company_id, ad_id, seen_at, site_url, user_ip, user_data)
           SELECT $1, $2, $3::timestamp + g * interval '1 second', 'http://site.example', '10.0.0.1', '{}'
             FROM generate_series(1, $4) g`,
          [companyId, adId, day, impressions + i],
        );
        await cluster.db.query(
          `INSERT INTO clicks (company_id, ad_id, clicked_at, site_url, user_ip, user_data)
           SELECT $1, $2, $3::timestamp + g * interval '1 second', 'http://site.example', '10.0.0.1', '{}'
             FROM generate_series(1, $4) g`,
          [companyId, adId, day, clicks + i],
        );
      }
    }

    async function rawCounts(): Promise<Map<number, { impressions: number; clicks: number }>> {
      const { rows } = await cluster.db.query<{ ad_id: number; impressions: number; clicks: number }>(
        `SELECT a.id AS ad_id,
                (SELECT count(*)::int FROM impressions i WHERE i.company_id = $1 AND i.ad_id = a.id) AS impressions,
                (SELECT count(*)::int FROM clicks c WHERE c.company_id = $1 AND c.ad_id = a.id) AS clicks
           FROM ads a WHERE a.company_id = $1 ORDER BY a.id`,
        [companyId],
      );
      return new Map(rows.map((r) => [r.ad_id, { impressions: r.impressions, clicks: r.clicks }]));
    }

    async function rolledUp(): Promise<Map<number, { impressions: number; clicks: number }>> {
      const { rows } = await cluster.db.query<{ ad_id: number; impressions: number; clicks: number }>(
        `SELECT ad_id, sum(impressions)::int AS impressions, sum(clicks)::int AS clicks
           FROM ad_stats_daily WHERE company_id = $1 GROUP BY ad_id ORDER BY ad_id`,
        [companyId],
      );
      return new Map(rows.map((r) => [r.ad_id, { impressions: r.impressions, clicks: r.clicks }]));
    }

    async function endpointCounts(): Promise<Map<number, { impressions: number; clicks: number }>> {
      const reply = await invoke<CampaignDetail>(getCampaign, routes.getCampaign, {
        params: { companyId, campaignId },
      });
      expect(reply.status).toBe(200);
      return new Map(reply.body.ads.map((a) => [a.id, { impressions: a.impressions, clicks: a.clicks }]));
    }

    beforeAll(async () => {
      ({
        company: { id: companyId },
      } = await newTenant('Adverts Co'));
      const campaign = await cluster.db.query<{ id: number }>(
        `INSERT INTO campaigns (company_id, name, cost_model, state, monthly_budget)
         VALUES ($1, 'Rollup', 'cost_per_click', 'running', 1000) RETURNING id`,
        [companyId],
      );
      campaignId = campaign.rows[0]?.id ?? 0;
      const ads = await cluster.db.query<{ id: number }>(
        `INSERT INTO ads (company_id, campaign_id, name) SELECT $1, $2, 'Ad ' || g FROM generate_series(1, 3) g RETURNING id`,
        [companyId, campaignId],
      );
      adIds = ads.rows.map((r) => r.id).sort((a, b) => a - b);
    });

    it('should roll up incrementally, safely under two concurrent runs, to the raw counts', async () => {
      await events(20, 3, '2026-11-01 10:00:00');
      await events(5, 1, '2026-11-02 23:59:00');
      // Two runs at once: one waits for the other's window, then takes the next (empty) one.
      const [a, b] = await Promise.all([
        runMaintenance(cluster.db, { only: ['rollup-ad-stats'] }),
        runMaintenance(cluster.db, { only: ['rollup-ad-stats'] }),
      ]);
      expect(a.ok && b.ok).toBe(true);
      expect(await rolledUp()).toEqual(await rawCounts());
      // Only what arrived since: a third run with nothing new changes nothing.
      const again = await runMaintenance(cluster.db, { only: ['rollup-ad-stats'] });
      expect(again.steps[0]?.result).toBe('impressions: 0 ad-days updated; clicks: 0 ad-days updated');
      expect(await rolledUp()).toEqual(await rawCounts());
    });

    it('should answer the campaign totals as the raw counts before and after new events are rolled up', async () => {
      await events(7, 2, '2026-11-03 08:00:00');
      // Not rolled up yet: the endpoint adds the events past the watermark.
      expect(await endpointCounts()).toEqual(await rawCounts());
      expect(await rolledUp()).not.toEqual(await rawCounts());
      await runMaintenance(cluster.db, { only: ['rollup-ad-stats'] });
      expect(await rolledUp()).toEqual(await rawCounts());
      expect(await endpointCounts()).toEqual(await rawCounts());
    });
  });

  describe('GET /cluster', () => {
    const status = async () => {
      const started = performance.now();
      const reply = await invoke<ClusterStatus>(clusterStatusHandler, routes.clusterStatus);
      return { reply, ms: performance.now() - started };
    };

    it('should describe the nodes, tables and largest tenants', async () => {
      const { reply } = await status();
      expect(reply.status).toBe(200);
      expect(reply.body.mode).toBe('citus');
      expect(reply.body.nodes.map((n) => [n.role, n.state])).toEqual([
        ['coordinator', 'active'],
        ['worker', 'active'],
        ['worker', 'active'],
      ]);
      for (const worker of reply.body.nodes.filter((n) => n.role === 'worker')) {
        expect(worker.shards).toBeGreaterThan(0);
        expect(worker.dataBytes).toBeGreaterThan(0);
      }
      expect(reply.body.tables.find((t) => t.table === 'orders')).toMatchObject({
        kind: 'distributed',
        distributionColumn: 'company_id',
      });
      expect(reply.body.tenantsSource).toBe('row sizes');
      expect(reply.body.largestTenants.length).toBeGreaterThan(0);
      for (const tenant of reply.body.largestTenants) {
        const where = await tenantPlacement(cluster.db, tenant.companyId);
        expect([tenant.host, tenant.port, tenant.shardId]).toEqual([
          where?.host,
          where?.port,
          where?.shardId,
        ]);
      }
    });

    it.each([
      [
        'stopped',
        (name: string) => stopNodeByName(cluster.dir, name),
        (name: string) => startNodeByName(cluster.dir, name),
      ],
      [
        'frozen',
        (name: string) => freezeNode(cluster.dir, name),
        (name: string) => thawNode(cluster.dir, name),
      ],
    ])('should answer within 3 s with a %s worker and name it', async (_, breakIt, mendIt) => {
      const worker = (await cluster.state()).workers[1];
      if (!worker) throw new Error('a second worker expected');
      await breakIt(worker.name);
      try {
        const { reply, ms } = await status();
        expect(reply.status).toBe(200);
        expect(ms).toBeLessThan(3000);
        const down = reply.body.nodes.find((n) => n.port === worker.port);
        expect(down).toMatchObject({ state: 'unreachable', dataBytes: null });
        expect(reply.body.summary).toContain(`DEGRADED: ${worker.host}:${worker.port} cannot be reached`);
        expect(reply.body.tenantsSource).toContain('unavailable');
      } finally {
        await mendIt(worker.name);
      }
    });
  });

  describe('tenants', () => {
    it('should say where a tenant lives, as Citus places it', async () => {
      const { company } = await newTenant('Where Co');
      const where = await tenantPlacement(cluster.db, company.id);
      const { rows } = await cluster.db.query<{ shardid: number; nodename: string; nodeport: number }>(
        `SELECT shardid, nodename, nodeport FROM citus_shards
          WHERE table_name = 'companies'::regclass AND shardid = get_shard_id_for_distribution_column('companies', $1::bigint)`,
        [company.id],
      );
      expect(where).toMatchObject({
        shardId: rows[0]?.shardid,
        host: rows[0]?.nodename,
        port: rows[0]?.nodeport,
        sharedWith: 'shared',
      });
    });

    it('should isolate a hot tenant while its reads and orders keep working, and keep its data', async () => {
      const { company, product } = await newTenant('Hot Co');
      const neighbour = await newTenant('Neighbour Co');
      for (let i = 0; i < 5; i++) {
        const placed = await invoke(placeOrderHandler, routes.placeOrder, {
          params: { companyId: company.id },
          headers: { 'idempotency-key': randomUUID() },
          body: {
            customer: { email: `c${i}@example.com`, name: 'C' },
            items: [{ productId: product.id, quantity: 1 }],
          },
        });
        expect(placed.status).toBe(201);
      }
      const ordersBefore = await cluster.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM orders WHERE company_id = $1',
        [company.id],
      );
      const statuses: number[] = [];
      let moving = true;
      const load = (async () => {
        let i = 0;
        while (moving) {
          const reply =
            i % 3 === 0
              ? await invoke(placeOrderHandler, routes.placeOrder, {
                  params: { companyId: company.id },
                  headers: { 'idempotency-key': randomUUID() },
                  body: {
                    customer: { email: 'load@example.com', name: 'L' },
                    items: [{ productId: product.id, quantity: 1 }],
                  },
                })
              : await invoke(getProduct, routes.getProduct, {
                  params: { companyId: company.id, productId: product.id },
                });
          statuses.push(reply.status);
          i += 1;
        }
      })();
      let result: Awaited<ReturnType<typeof isolateTenant>>;
      try {
        result = await isolateTenant(cluster.db, company.id);
      } finally {
        moving = false;
        await load;
      }
      expect(result.isolated).toBe(true);
      expect(result.after.sharedWith).toBe('alone');
      expect(result.after.shardId).not.toBe(result.before.shardId);
      expect(statuses.length).toBeGreaterThan(5);
      expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
      const ordersAfter = await cluster.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM orders WHERE company_id = $1',
        [company.id],
      );
      const placedDuring = statuses.filter((s) => s === 201).length;
      expect(ordersAfter.rows[0]?.n).toBe((ordersBefore.rows[0]?.n ?? 0) + placedDuring);
      expect((await tenantPlacement(cluster.db, neighbour.company.id))?.sharedWith).toBe('shared');
      const read = await invoke<Product>(getProduct, routes.getProduct, {
        params: { companyId: company.id, productId: product.id },
      });
      expect(read.body.stock).toBe(100_000 - (ordersAfter.rows[0]?.n ?? 0));
      expect((await isolateTenant(cluster.db, company.id)).isolated).toBe(false);
    });
  });
});
