/**
 * Seeding against a real cluster. Seeding truncates, and the API tests share the test
 * database (their companies must not vanish under them), so these tests run in a
 * database of their own on the same cluster: created on the coordinator and every worker
 * and set up like a new cluster (test/support/throwaway-cluster.ts), dropped at the end.
 */
import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { handler as listCampaigns } from '../../functions/campaigns/list';
import { config } from '../../lib/config';
import { createDb, setDefaultDb } from '../../lib/db';
import { type BulkSession, openBulkSession } from '../../lib/db/copy';
import { routes } from '../../lib/http/routes';
import { SeedRefusedError, TutorialDataError } from '../../lib/jobs/seed/errors';
import { GENERATED_TABLES, type GenerateOptions } from '../../lib/jobs/seed/generate';
import { DEFAULTS, type SeedJob } from '../../lib/jobs/seed/options';
import { runSeed, type SeedSummary } from '../../lib/jobs/seed/run';
import { invoke } from '../support/lambda';
import { startThrowaway, type Throwaway } from '../support/throwaway-cluster';
import { describeCitus } from '../support/tiers';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures');

let scratch: Throwaway;
let db: BulkSession;

beforeAll(async () => {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: the integration setup should have set it');
  scratch = await startThrowaway({ database: `distribushop_seed_test_${process.pid}`, on: base });
  db = openBulkSession(scratch.url);
}, 180_000);

afterAll(async () => {
  await db?.end();
  await scratch?.destroy();
}, 60_000);

const seed = (job: SeedJob): Promise<SeedSummary> => runSeed(job, { databaseUrl: scratch.url });

const tutorial = (dir: string, flags: Partial<SeedJob> = {}): Promise<SeedSummary> =>
  seed({ source: { kind: 'tutorial', dir }, reset: false, ifEmpty: false, ...flags });

const small: GenerateOptions = {
  ...DEFAULTS,
  companies: 6,
  productsPerCompany: 12,
  customersPerCompany: 5,
  ordersPerCompany: 15,
  campaignsPerCompany: 2,
  impressionsPerAd: 6,
  seed: 11,
  skewed: true,
};

const generated = (options: GenerateOptions, flags: Partial<SeedJob> = {}): Promise<SeedSummary> =>
  seed({ source: { kind: 'generate', options }, reset: false, ifEmpty: false, ...flags });

async function one<R extends object>(sql: string): Promise<R> {
  const [row] = await db.query<R>(sql);
  if (!row) throw new Error(`no row from ${sql}`);
  return row;
}

const count = async (table: string) =>
  Number((await one<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).n);

const VERIFICATION_QUERY =
  'SELECT name, cost_model, state, monthly_budget FROM campaigns WHERE company_id = 5 ORDER BY monthly_budget DESC LIMIT 10';

/** A checksum of every seeded table's content. */
async function checksums(): Promise<Record<string, string>> {
  const { createHash } = await import('node:crypto');
  const sums: Record<string, string> = {};
  for (const table of GENERATED_TABLES) {
    const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY 1`);
    sums[table] = createHash('sha256')
      .update(rows.map((r) => r.row).join('\n'))
      .digest('hex');
  }
  return sums;
}

async function seedCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  try {
    const { stdout, stderr } = await promisify(execFile)(
      tsx,
      [path.join(root, 'infra', 'seed.ts'), ...args],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: scratch.url, CI: 'true' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('tutorial loader', () => {
  it('should load the tutorial files and answer the verification query as the fixture implies', async () => {
    const summary = await tutorial(path.join(fixtures, 'tutorial'), { reset: true });
    expect(summary.tables).toEqual([
      { table: 'companies', rows: 6 },
      { table: 'campaigns', rows: 18 },
      { table: 'ads', rows: 7 },
      { table: 'impressions', rows: 5 },
      { table: 'clicks', rows: 4 },
      { table: 'geo_ips', rows: 3 },
    ]);
    const rows = await db.query<{ name: string; cost_model: string; state: string; monthly_budget: string }>(
      VERIFICATION_QUERY,
    );
    expect(rows.map((r) => [r.name, r.cost_model, r.state, Number(r.monthly_budget)])).toEqual([
      ['Maroon', 'cost_per_impression', 'running', 9774],
      ['Cyan', 'cost_per_click', 'running', 9120],
      ['Teal', 'cost_per_click', 'running', 8830],
      ['Sienna', 'cost_per_click', 'running', 7319],
      ['Indigo', 'cost_per_click', 'running', 6401],
      ['Azure', 'cost_per_impression', 'running', 5055],
      ['Plum', 'cost_per_click', 'paused', 4217],
      ['Khaki', 'cost_per_impression', 'paused', 3608],
      ['Ivory', 'cost_per_impression', 'paused', 2950],
      ['Magenta', 'cost_per_impression', 'running', 1999],
    ]);
  });

  it('should answer the verification query through the list-campaigns endpoint', async () => {
    await tutorial(path.join(fixtures, 'tutorial'), { reset: true });
    const expected = (
      await db.query<{ name: string; cost_model: string; state: string; monthly_budget: string | null }>(
        VERIFICATION_QUERY,
      )
    ).map((r) => ({
      name: r.name,
      costModel: r.cost_model,
      state: r.state,
      monthlyBudget: r.monthly_budget === null ? null : Number(r.monthly_budget),
    }));
    // The handler's default database, pointed at the scratch database for this request.
    const scratchDb = createDb({ ...config(), DATABASE_URL: scratch.url });
    const shared = setDefaultDb(scratchDb);
    try {
      const reply = await invoke<{ items: Record<string, unknown>[]; nextCursor: string | null }>(
        listCampaigns,
        routes.listCampaigns,
        { params: { companyId: 5 } },
      );
      expect(reply.status).toBe(200);
      expect(
        reply.body.items.map(({ name, costModel, state, monthlyBudget }) => ({
          name,
          costModel,
          state,
          monthlyBudget,
        })),
      ).toEqual(expected);
      expect(reply.body.items).toHaveLength(10);
      expect(reply.body.items.every((c) => c.companyId === 5)).toBe(true);
    } finally {
      setDefaultDb(shared);
      await scratchDb.close();
    }
  });

  it('should keep the published values: quoted names, NULLs, arrays, JSON, IPs, points', async () => {
    const company = await one<{ name: string; image_url: string | null }>(
      'SELECT name, image_url FROM companies WHERE id = 3',
    );
    expect(company).toEqual({ name: 'Altenwerth Group', image_url: null });
    expect((await one<{ name: string }>('SELECT name FROM companies WHERE id = 6')).name).toBe(
      'The "Quoted" Company',
    );
    const campaign = await one<{ urls: string[]; created: string }>(
      'SELECT blacklisted_site_urls AS urls, created_at::text AS created FROM campaigns WHERE company_id = 4 AND id = 5',
    );
    expect(campaign).toEqual({
      urls: ['http://a.example.com', 'http://b.example.com', 'http://c.example.com'],
      created: '2015-02-01 12:00:00',
    });
    const click = await one<{ ip: string; mobile: boolean }>(
      "SELECT user_ip::text AS ip, (user_data->>'is_mobile')::boolean AS mobile FROM clicks WHERE company_id = 5 AND id = 3",
    );
    expect(click).toEqual({ ip: '2001:db8::1/128', mobile: true });
    expect(
      (await one<{ p: string }>("SELECT latlon::text AS p FROM geo_ips WHERE addrs = '1.0.0.0/24'")).p,
    ).toBe('(-27.4678,153.0281)');
  });

  it('should move every id sequence past the loaded ids', async () => {
    const summary = await tutorial(path.join(fixtures, 'tutorial'), { reset: true });
    expect(summary.nextIds).toMatchObject({ companies: 7, campaigns: 19, ads: 8, impressions: 6, clicks: 5 });
    const company = await one<{ id: string }>(
      "INSERT INTO companies (name) VALUES ('After the seed') RETURNING id",
    );
    expect(Number(company.id)).toBe(7);
    const campaign = await one<{ id: string }>(
      "INSERT INTO campaigns (company_id, name, cost_model, state) VALUES (5, 'New', 'cost_per_click', 'draft') RETURNING id",
    );
    expect(Number(campaign.id)).toBe(19);
  });

  it.each([
    ['wrong-column-count', /^campaigns\.csv line 2: expected 9 columns/],
    ['unknown-company', /^campaigns\.csv line 2: company_id 99 is not in companies\.csv/],
    // Found by the workers during COPY: traced back to the line, and the load rolled back.
    ['duplicate-click', /^clicks\.csv line 3: duplicate key .*\(company_id, id\)=\(1, 1\) already exists/],
    // Found by the coordinator's COPY ("line 2", a record number): the file line is 3.
    ['bad-network', /^geo_ips\.csv line 3, column addrs: invalid cidr value/],
    ['missing-ads', /^ads\.csv missing in /],
  ])('should refuse %s, naming file and line, and leave the data as it was', async (name, message) => {
    await tutorial(path.join(fixtures, 'tutorial'), { reset: true });
    const before = await checksums();
    const failure = tutorial(path.join(fixtures, 'tutorial-bad', name), { reset: true });
    await expect(failure).rejects.toThrow(TutorialDataError);
    await expect(failure).rejects.toThrow(message);
    expect(await checksums()).toEqual(before);
    expect(await count('geo_ips')).toBe(3);
  });

  it('should download the files first with a tutorial URL', async () => {
    const server = http.createServer((request, response) => {
      const url = request.url ?? '';
      const file = path.join(fixtures, 'tutorial', path.basename(url));
      if (!url.startsWith('/tutorial/') || !existsSync(file)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/csv' });
      createReadStream(file).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const summary = await seed({
        source: { kind: 'tutorial-url', url: `http://127.0.0.1:${port}/tutorial/` },
        reset: true,
        ifEmpty: false,
      });
      expect(summary.rows).toBe(43);
      await expect(
        seed({
          source: { kind: 'tutorial-url', url: `http://127.0.0.1:${port}/none` },
          reset: true,
          ifEmpty: false,
        }),
      ).rejects.toThrow(/cannot download http:\/\/127\.0\.0\.1:\d+\/none\/companies\.csv: HTTP 404/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('generated shops', () => {
  it('should load the same data for the same seed (same checksums) and other data for another', async () => {
    await generated(small, { reset: true });
    const first = await checksums();
    await generated(small, { reset: true });
    expect(await checksums()).toEqual(first);
    await generated({ ...small, seed: 12 }, { reset: true });
    const other = await checksums();
    for (const table of Object.keys(first)) expect(other[table]).not.toBe(first[table]);
  });

  it('should keep every order item on a product of the same company, at its price, and every total right', async () => {
    const summary = await generated(small, { reset: true });
    expect(summary.tables.map((t) => t.table)).toContain('order_items');
    const wrongItems = await one<{ n: string }>(
      `SELECT count(*) AS n FROM order_items i
         LEFT JOIN products p ON p.company_id = i.company_id AND p.id = i.product_id
        WHERE p.id IS NULL OR p.price_cents <> i.unit_price_cents`,
    );
    expect(Number(wrongItems.n)).toBe(0);
    const wrongTotals = await one<{ n: string }>(
      `SELECT count(*) AS n FROM orders o
         LEFT JOIN (SELECT company_id, order_id, sum(quantity * unit_price_cents) AS total
                      FROM order_items GROUP BY company_id, order_id) s
           ON s.company_id = o.company_id AND s.order_id = o.id
        WHERE s.total IS DISTINCT FROM o.total_cents`,
    );
    expect(Number(wrongTotals.n)).toBe(0);
    const wrongCounters = await one<{ n: string }>(
      `SELECT count(*) AS n FROM ads a
         LEFT JOIN (SELECT company_id, ad_id, count(*) AS n FROM impressions GROUP BY 1, 2) i
           ON i.company_id = a.company_id AND i.ad_id = a.id
        WHERE coalesce(i.n, 0) <> a.impressions_count`,
    );
    expect(Number(wrongCounters.n)).toBe(0);
    expect(await count('orders')).toBe(summary.tables.find((t) => t.table === 'orders')?.rows);
  });

  it('should refuse to seed a database that has data, changing nothing', async () => {
    await generated(small, { reset: true });
    const before = await checksums();
    await expect(generated({ ...small, seed: 99 })).rejects.toThrow(SeedRefusedError);
    await expect(generated({ ...small, seed: 99 })).rejects.toThrow(
      /already has data \(6 companies\).*--reset.*--if-empty/,
    );
    expect(await checksums()).toEqual(before);
  });

  it('should skip with ifEmpty and replace everything with reset', async () => {
    await generated(small, { reset: true });
    const skipped = await generated({ ...small, seed: 99 }, { ifEmpty: true });
    expect(skipped.skipped).toMatch(/already has data/);
    expect(skipped.rows).toBe(0);
    const replaced = await generated({ ...small, companies: 2, skewed: false }, { reset: true });
    expect(await count('companies')).toBe(2);
    expect(await count('products')).toBe(24);
    expect(replaced.nextIds.products).toBe(25);
  });
});

describe('npm run seed', () => {
  it('should exit 2 with a clear message on bad arguments and touch nothing', async () => {
    await generated(small, { reset: true });
    const before = await checksums();
    const run = await seedCli(['--companies', 'many', '--reset']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--companies must be a number/);
    expect(await checksums()).toEqual(before);
  });

  it('should exit 1 when refusing, and 0 saying it skipped with --if-empty', async () => {
    const refused = await seedCli(['--demo']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/seed failed: the database already has data/);
    const skipped = await seedCli(['--demo', '--if-empty']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/seed skipped: the database already has data/);
  });

  it('should seed the demo shop with --reset, print plain progress lines in CI and a summary', async () => {
    const run = await seedCli(['--demo', '--reset']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^seed: order_items .* rows\/s$/m);
    expect(run.stdout).toMatch(/Seeded a generated shop \(seed 42, 10 companies/);
    expect(run.stdout).toMatch(/total +[\d,]+ rows in [\d.]+ s, [\d,]+ rows\/s/);
    expect(await count('companies')).toBe(10);
    expect(await count('orders')).toBe(100);
  });
});

describeCitus('seeded data on Citus', () => {
  it('should answer the verification query from one shard', async () => {
    await tutorial(path.join(fixtures, 'tutorial'), { reset: true });
    const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${VERIFICATION_QUERY}`);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Task Count: 1\b/);
  });

  it('should spread the generated tenants over every worker', async () => {
    await generated({ ...small, companies: 40, skewed: false }, { reset: true });
    const shards = await db.query<{ shard: string }>(
      "SELECT DISTINCT get_shard_id_for_distribution_column('companies', id) AS shard FROM companies",
    );
    const { workers } = await one<{ workers: number }>(
      `SELECT count(DISTINCT nodeport)::int AS workers FROM citus_shards
        WHERE shardid IN (${shards.map((s) => Number(s.shard)).join(', ')})`,
    );
    const nodes = await one<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' AND isactive",
    );
    expect(workers).toBe(nodes.n);
  });
});
