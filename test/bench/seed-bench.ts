/**
 * Seed load throughput (`npm run bench:seed -- [seed flags] [--keep]`): a large generated
 * shop streamed through COPY, then rows per table, seconds, rows/s and the peak memory.
 * Not a test: nothing is asserted, and jest never runs it.
 *
 * Without flags: 1,000 companies × 1,000 products, 100 customers, 1,000 orders and 3
 * campaigns each (1,000,000 orders). It loads into a database of its own (created, set up
 * and dropped, as the seed tests do) on the cluster at DATABASE_URL, or, when that is not
 * set, on a throwaway local cluster (fsync off) started in a temporary directory.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  databaseUrl,
  optionsFromEnv,
  startCluster,
  stopCluster,
  workerHosts,
} from '../../infra/local-cluster';
import { setupCluster } from '../../lib/cluster/setup';
import { loadConfig } from '../../lib/config';
import { openBulkSession } from '../../lib/db/copy';
import { parseSeedArgs } from '../../lib/jobs/seed/args';
import { terminalProgress } from '../../lib/jobs/seed/progress';
import { formatSeedSummary, runSeed } from '../../lib/jobs/seed/run';
import { createScratchDatabase } from '../support/scratch-database';

const LARGE = [
  '--companies=1000',
  '--products-per-company=1000',
  '--customers-per-company=100',
  '--orders-per-company=1000',
  '--campaigns-per-company=3',
];

async function describeCluster(url: string): Promise<string> {
  const session = openBulkSession(url);
  try {
    const [settings] = await session.query<{ version: string; fsync: string; citus: string | null }>(
      `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
              (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS citus`,
    );
    const workers = settings?.citus
      ? (await session.query("SELECT 1 FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'")).length
      : 0;
    return settings?.citus
      ? `Citus ${settings.citus} on PostgreSQL ${settings.version}, ${workers} workers, fsync ${settings.fsync}`
      : `plain PostgreSQL ${settings?.version} (no Citus), fsync ${settings?.fsync}`;
  } finally {
    await session.end();
  }
}

async function main(argv: string[]): Promise<void> {
  const keep = argv.includes('--keep');
  const flags = argv.filter((a) => a !== '--keep');
  const job = parseSeedArgs([...(flags.length > 0 ? flags : LARGE), '--reset']);
  if (!job) return;
  let clusterDir: string | undefined;
  let base = process.env.DATABASE_URL;
  if (!base) {
    clusterDir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-bench-'));
    console.log(`no DATABASE_URL: starting a throwaway cluster in ${clusterDir}`);
    const state = await startCluster({
      ...optionsFromEnv(),
      dir: clusterDir,
      port: 0,
      fast: true,
      log: () => {},
    });
    base = databaseUrl(state);
    // The launcher starts processes only; setup registers the workers.
    await setupCluster(loadConfig({ ...process.env, DATABASE_URL: base, WORKER_HOSTS: workerHosts(state) }));
  }
  const scratch = await createScratchDatabase(base, 'distribushop_bench');
  try {
    console.log(`${await describeCluster(scratch.url)}; ${os.cpus().length} cores; node ${process.version}`);
    const summary = await runSeed(job, { databaseUrl: scratch.url, progress: terminalProgress });
    console.log(formatSeedSummary(summary));
    console.log(
      `peak memory (max RSS) of the seeding process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
    );
  } finally {
    if (keep) console.log(`kept ${scratch.url}`);
    else await scratch.drop();
    if (clusterDir) stopCluster(clusterDir, { destroy: true });
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
