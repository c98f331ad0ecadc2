/**
 * `npm run bench -- [options]`: the API's throughput and latency against the database's
 * own ceiling. Not a test: nothing is asserted, and jest never runs it.
 *
 * For each scenario, on the same data in one run: (1) the ceiling, pgbench sending the
 * handler's SQL straight to the coordinator; (2) the exported handlers invoked in-process
 * with API Gateway events; (3) the functions over HTTP through serverless-offline, driven
 * by autocannon. Requests/s, p50/p95/p99, errors by status, the ratios 2/1 and 3/1, the
 * coordinator's connection count at the end of each, the sessions the workers saw start
 * during each window (a statement that fails on a worker costs one), and for orders the same
 * figures by answer (201, 409); a table, a JSON file and an SVG chart. `--sold-out 0,15`
 * measures place-order once per share of refused orders, in the same run. And (4) the cold
 * level, per function: the module load and the first invocation of its bundle in fresh
 * processes, against a bare pg handler's (test/bench/cold.ts).
 *
 * The cluster is DATABASE_URL's or a throwaway local one. The data is seeded (deterministic,
 * seed 42) into a database of its own on that cluster, `distribushop_bench`, which is
 * dropped at the end (--keep keeps it); --no-seed measures DATABASE_URL's own data instead.
 * Each company gets a secret key for the run, which the keyed requests send as a merchant
 * does (test/bench/keys.ts); on DATABASE_URL's own data those keys are revoked at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../../infra/cli';
import { openBulkSession } from '../../lib/db/copy';
import { resolveSeedRequest } from '../../lib/jobs/seed/options';
import { runSeed } from '../../lib/jobs/seed/run';
import type { Offline } from '../support/offline';
import { startThrowaway, type Throwaway, withDatabase } from '../support/throwaway-cluster';
import { benchCluster, describeDatabase, describeMachine } from './cluster';
import { runCold } from './cold';
import { type BenchKeys, makeBenchKeys } from './keys';
import {
  LEVELS,
  type Level,
  type OfflineMode,
  type Run,
  runCeiling,
  runHttp,
  runInProcess,
  startBenchOffline,
} from './levels';
import {
  type BenchReport,
  formatMarkdown,
  formatTable,
  type ScaleResult,
  scenarioResult,
  svgChart,
} from './report';
import {
  BASELINE_SCENARIO,
  FLASH_SALE,
  NO_SOLD_OUT,
  PLENTY,
  pgbenchScripts,
  SCENARIOS,
  type ScenarioName,
  type Shape,
  stockSql,
  type Workload,
  workloadName,
} from './scenarios';
import type { Measurement } from './stats';

/** The scenario levels, and the cold level, measured per function rather than per scenario. */
const ALL_LEVELS = [...LEVELS, 'cold'] as const;

const USAGE = `usage: npm run bench -- [options]
  --duration S             measured seconds per scenario and level (default 15)
  --warmup S               unmeasured seconds before each (default 3)
  --concurrency N          concurrent clients (default 8)
  --http-clients N         concurrent HTTP clients of the http level (default: --concurrency)
  --scenarios a,b          ${SCENARIOS.join(', ')} (default: all)
  --sold-out PCT,PCT       place-order once per share: PCT % of its orders ask for a sold-out
                           product too, and are refused (409) (default 0; e.g. 0,15)
  --levels a,b             ${ALL_LEVELS.join(', ')} (default: all)
  --cold-runs N            fresh processes per function at the cold level (default 5)
  --companies N            generated companies (default 100)
  --products-per-company P (default 1000)
  --customers-per-company C (default 20)
  --scales N,N             also measure get-product and place-order (ceiling, in-process) on
                           N companies each, e.g. 100,1000,10000 (--scale-products products each, default 100)
  --threads N              threads of the in-process level (default 1)
  --http-mode M            worker-threads (each Lambda instance in a thread of its own, as npm start
                           serves) or in-process (serverless-offline --useInProcess) (default worker-threads)
  --pooler                 in-process and HTTP through PgBouncer (the throwaway cluster's, or
                           FUNCTIONS_DATABASE_URL); default straight to the coordinator, like the ceiling
  --ha                     a throwaway cluster in the high-availability mode (each group a Patroni
                           primary with a synchronous standby): what synchronous replication costs
  --log-level L            the functions' LOG_LEVEL (default warn: no line per request)
  --no-seed                measure DATABASE_URL's data as it is (a generated shop of these sizes)
  --keep                   keep the benchmark's database
  --out DIR                where the JSON and SVG go (default bench-results/)`;

const list = (value: string | undefined, all: readonly string[]) =>
  value ? value.split(',').map((s) => s.trim()) : [...all];

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '8' },
      'http-clients': { type: 'string' },
      scenarios: { type: 'string' },
      'sold-out': { type: 'string', default: '0' },
      levels: { type: 'string' },
      'cold-runs': { type: 'string', default: '5' },
      companies: { type: 'string', default: '100' },
      'products-per-company': { type: 'string', default: '1000' },
      'customers-per-company': { type: 'string', default: '20' },
      scales: { type: 'string' },
      'scale-products': { type: 'string', default: '100' },
      threads: { type: 'string', default: '1' },
      'http-mode': { type: 'string', default: 'worker-threads' },
      pooler: { type: 'boolean', default: false },
      ha: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'warn' },
      'no-seed': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench-results' },
      help: { type: 'boolean', default: false },
    },
  });
  const whole = (name: keyof typeof values, min: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const scenarios = list(values.scenarios, SCENARIOS);
  const unknown = scenarios.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}\n${USAGE}`);
  const levels = list(values.levels, ALL_LEVELS);
  if (levels.some((l) => !(ALL_LEVELS as readonly string[]).includes(l)))
    throw new Error(`bad --levels\n${USAGE}`);
  const soldOut = (values['sold-out'] as string).split(',').map((v) => Number(v.trim()));
  if (soldOut.some((v) => !Number.isFinite(v) || v < 0 || v > 100))
    throw new Error(`--sold-out takes percentages from 0 to 100\n${USAGE}`);
  const httpMode = values['http-mode'];
  if (httpMode !== 'worker-threads' && httpMode !== 'in-process')
    throw new Error(`bad --http-mode\n${USAGE}`);
  return {
    help: values.help,
    durationS: whole('duration', 1),
    warmupS: whole('warmup', 0),
    concurrency: whole('concurrency', 1),
    threads: whole('threads', 1),
    httpClients: values['http-clients'] === undefined ? undefined : whole('http-clients', 1),
    scenarios: scenarios as ScenarioName[],
    soldOut: soldOut.map((pct) => ({ soldOut: pct / 100 }) satisfies Workload),
    levels: levels.filter((l): l is Level => l !== 'cold'),
    cold: levels.includes('cold'),
    coldRuns: whole('cold-runs', 1),
    shape: {
      companies: whole('companies', 2),
      productsPerCompany: whole('products-per-company', 10),
      customersPerCompany: whole('customers-per-company', 1),
    } satisfies Shape,
    scales: values.scales ? values.scales.split(',').map((s) => Number(s.trim())) : [],
    scaleProducts: whole('scale-products', 5),
    httpMode: httpMode as OfflineMode,
    pooler: values.pooler,
    ha: values.ha,
    logLevel: values['log-level'] as string,
    seed: !values['no-seed'],
    keep: values.keep,
    out: values.out as string,
  };
}

/** Seeds the generated shop of `shape` into the benchmark's database, with its stock (scenarios.ts). */
async function seedShop(url: string, shape: Shape): Promise<void> {
  const job = resolveSeedRequest({
    companies: shape.companies,
    productsPerCompany: shape.productsPerCompany,
    customersPerCompany: shape.customersPerCompany,
    ordersPerCompany: 2,
    campaignsPerCompany: 3,
    adsPerCampaign: 1,
    impressionsPerAd: 2,
    seed: 42,
    reset: true,
  });
  const started = performance.now();
  const summary = await runSeed(job, { databaseUrl: url });
  console.log(
    `seeded ${summary.rows.toLocaleString('en-US')} rows (${shape.companies} companies × ${shape.productsPerCompany} products) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // Every tenth product sold out, plenty of the others: orders that find their stock short
  // are the ones a run asks for (--sold-out, the flash sale), not the generator's chance.
  const session = openBulkSession(url);
  try {
    await session.query(stockSql(shape.productsPerCompany));
  } finally {
    await session.end();
  }
}

/**
 * The flash sale's stock while a level runs: the sale products from zero, one unit to one
 * of them (in turn) every FLASH_SALE.restockEveryMs, and plenty again when it stops.
 */
async function flashSaleStock(url: string, shape: Shape): Promise<{ stop(): Promise<void> }> {
  const session = openBulkSession(url, { applicationName: 'distribushop-bench-restock' });
  const c = FLASH_SALE.companyId;
  const ids = FLASH_SALE.products.map((i) => (c - 1) * shape.productsPerCompany + i);
  const set = (expression: string, only: readonly number[] = ids) =>
    session.query(
      `UPDATE products SET stock = ${expression} WHERE company_id = $1 AND id = ANY(string_to_array($2, ',')::bigint[])`,
      [c, only.join(',')],
    );
  await set('0');
  let running = true;
  const restocking = (async () => {
    for (let tick = 0; running; tick++) {
      await new Promise((resolve) => setTimeout(resolve, FLASH_SALE.restockEveryMs));
      if (running) await set('stock + 1', [ids[tick % ids.length] as number]);
    }
  })();
  return {
    async stop() {
      running = false;
      try {
        await restocking;
        await set(String(PLENTY));
      } finally {
        await session.end();
      }
    },
  };
}

async function main(argv: string[]): Promise<void> {
  const opts = options(argv);
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  process.env.LOG_LEVEL = opts.logLevel;
  // The in-process handlers would print a metric line (CloudWatch's format) per request
  // among the report's lines; as under npm start, they stay off unless asked for.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const cluster = await benchCluster({ ha: opts.ha });
  let scratch: Throwaway | undefined;
  let offline: Offline | undefined;
  let keys: BenchKeys | undefined;
  try {
    let url = cluster.url;
    let functionsUrl = cluster.functionsUrl;
    if (opts.seed) {
      scratch = await startThrowaway({ database: 'distribushop_bench', on: cluster.url });
      url = scratch.url;
      functionsUrl = withDatabase(cluster.functionsUrl, 'distribushop_bench');
      await seedShop(url, opts.shape);
    }
    keys = await makeBenchKeys(url, opts.shape.companies);
    const handlersUrl = opts.pooler ? functionsUrl : url;
    // Each concurrent in-process client stands for one function instance with its one connection.
    process.env.DATABASE_URL = handlersUrl;
    process.env.DB_POOL_MAX = String(opts.concurrency);
    const report: BenchReport = {
      startedAt: new Date().toISOString(),
      command,
      machine: describeMachine(),
      cluster: `${await describeDatabase(url)}; ${opts.pooler ? cluster.pooler : 'in-process and HTTP straight to the coordinator'}`,
      settings: {
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        concurrency: opts.concurrency,
        httpClients: opts.httpClients ?? opts.concurrency,
        shape: opts.shape,
        httpMode: opts.httpMode,
        logLevel: opts.logLevel,
        soldOutPercent: opts.soldOut.map((w) => w.soldOut * 100),
        ceiling: 'pgbench -M extended, the handler statements as scripts',
      },
      results: [],
      scales: [],
    };
    console.log(`${report.machine}\n${report.cluster}`);
    if (opts.cold) {
      console.log('cold: every HTTP function and the floor, in fresh processes ...');
      report.cold = await runCold(
        {
          databaseUrl: handlersUrl,
          secretKey: keys.secret[0] as string,
          runs: opts.coldRuns,
          // Writing functions run on the benchmark's own data only.
          writes: opts.seed,
          logLevel: opts.logLevel,
        },
        (line) => console.log(line),
      );
    }
    const run: Run = {
      shape: opts.shape,
      keys: keys.secret,
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      concurrency: opts.concurrency,
      coordinatorUrl: url,
      threads: opts.threads,
    };
    if (opts.levels.includes('http') && opts.scenarios.length > 0) {
      offline = await startBenchOffline(opts.httpMode, {
        DATABASE_URL: handlersUrl,
        LOG_LEVEL: opts.logLevel,
        DB_POOL_MAX: '1',
      });
    }
    const measure = async (scenario: ScenarioName, workload: Workload, level: Level) => {
      const sale = scenario === 'flash-sale' ? await flashSaleStock(url, opts.shape) : undefined;
      try {
        if (level === 'ceiling') return await runCeiling(run, pgbenchScripts(scenario, workload));
        if (level === 'in-process') return await runInProcess(run, scenario, workload);
        if (offline) return await runHttp(run, scenario, workload, offline, opts.httpClients);
        return undefined;
      } finally {
        await sale?.stop();
      }
    };
    // With no scenario level asked for (`--levels cold`), no scenario runs.
    for (const scenario of opts.levels.length > 0 ? opts.scenarios : []) {
      for (const workload of scenario === 'place-order' ? opts.soldOut : [NO_SOLD_OUT]) {
        const name = workloadName(scenario, workload);
        const levels: Partial<Record<Level, Measurement>> = {};
        for (const level of opts.levels) {
          process.stdout.write(`${name} / ${level} ... `);
          const m = await measure(scenario, workload, level);
          if (!m) continue;
          levels[level] = m;
          console.log(
            `${Math.round(m.requestsPerSecond)}/s, p50 ${m.latencyMs.p50.toFixed(2)} ms, ${m.errors} errors` +
              (m.workerSessions === undefined || m.workerSessions === null
                ? ''
                : `, ${m.workerSessions} new worker sessions`),
          );
        }
        report.results.push(scenarioResult(name, levels));
      }
      if (scenario === 'place-order' && opts.levels.includes('ceiling')) {
        process.stdout.write(`${BASELINE_SCENARIO} (the multi-statement transaction) / ceiling ... `);
        const baseline = await runCeiling(run, pgbenchScripts(BASELINE_SCENARIO));
        console.log(`${Math.round(baseline.requestsPerSecond)}/s`);
        report.results.push(scenarioResult(BASELINE_SCENARIO, { ceiling: baseline }));
      }
    }
    offline?.stop();
    offline = undefined;
    for (const companies of opts.scales) {
      if (!scratch) throw new Error('--scales seeds its own data: leave out --no-seed');
      const shape: Shape = { ...opts.shape, companies, productsPerCompany: opts.scaleProducts };
      await seedShop(url, shape);
      const scaledKeys = await makeBenchKeys(url, companies);
      for (const scenario of ['get-product', 'place-order'] as const) {
        for (const level of ['ceiling', 'in-process'] as const) {
          process.stdout.write(`${companies} companies: ${scenario} / ${level} ... `);
          const scaled = { ...run, shape, keys: scaledKeys.secret };
          const measurement =
            level === 'ceiling'
              ? await runCeiling(scaled, pgbenchScripts(scenario))
              : await runInProcess(scaled, scenario, NO_SOLD_OUT);
          console.log(
            `${Math.round(measurement.requestsPerSecond)}/s, p50 ${measurement.latencyMs.p50.toFixed(2)} ms`,
          );
          report.scales.push({ companies, scenario, level, measurement } satisfies ScaleResult);
        }
      }
    }
    const { closeDb } = await import('../../lib/db');
    await closeDb();
    console.log(`\n${command}\n${report.machine}\n${report.cluster}\n\n${formatTable(report)}`);
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(path.join(opts.out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(opts.out, 'bench.svg'), svgChart(report));
    writeFileSync(path.join(opts.out, 'bench.md'), formatMarkdown(report));
    console.log(`\nwrote bench.json, bench.svg and bench.md in ${opts.out}`);
  } finally {
    offline?.stop();
    if (keys && !scratch) await keys.revoke();
    if (scratch && !opts.keep) await scratch.destroy();
    else if (scratch) console.log(`kept ${scratch.url}`);
    await cluster.stop();
  }
}

runCli('bench failed', async () => {
  await main(process.argv.slice(2));
  return 0;
});
