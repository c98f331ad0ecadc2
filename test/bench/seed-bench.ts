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
import os from 'node:os';
import { runCli } from '../../infra/cli';
import { parseSeedArgs } from '../../lib/jobs/seed/args';
import { terminalProgress } from '../../lib/jobs/seed/progress';
import { formatSeedSummary, runSeed } from '../../lib/jobs/seed/run';
import { startThrowaway } from '../support/throwaway-cluster';
import { benchCluster, describeDatabase } from './cluster';

const LARGE = [
  '--companies=1000',
  '--products-per-company=1000',
  '--customers-per-company=100',
  '--orders-per-company=1000',
  '--campaigns-per-company=3',
];

async function main(argv: string[]): Promise<void> {
  const keep = argv.includes('--keep');
  const flags = argv.filter((a) => a !== '--keep');
  const job = parseSeedArgs([...(flags.length > 0 ? flags : LARGE), '--reset']);
  if (!job) return;
  const cluster = await benchCluster();
  try {
    const scratch = await startThrowaway({ database: 'distribushop_bench', on: cluster.url });
    try {
      console.log(
        `${await describeDatabase(scratch.url)}; ${os.cpus().length} cores; node ${process.version}`,
      );
      const summary = await runSeed(job, { databaseUrl: scratch.url, progress: terminalProgress });
      console.log(formatSeedSummary(summary));
      console.log(
        `peak memory (max RSS) of the seeding process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
      );
    } finally {
      if (keep) console.log(`kept ${scratch.url}`);
      else await scratch.destroy();
    }
  } finally {
    await cluster.stop();
  }
}

runCli('bench failed', async () => {
  await main(process.argv.slice(2));
  return 0;
});
