/**
 * `npm run seed -- ...`: fill the cluster at DATABASE_URL with the Citus tutorial's CSV
 * files or a generated shop. Exit 0 when done or skipped (--if-empty), 1 when it failed
 * (nothing is loaded then), 2 for bad arguments (nothing is touched).
 */
import { parseSeedArgs, SEED_USAGE } from '../lib/jobs/seed/args';
import { SeedUsageError } from '../lib/jobs/seed/errors';
import type { SeedJob } from '../lib/jobs/seed/options';
import { runCli } from './cli';

async function main(argv: string[]): Promise<number> {
  let job: SeedJob | null;
  try {
    job = parseSeedArgs(argv);
  } catch (error: unknown) {
    if (!(error instanceof SeedUsageError)) throw error;
    console.error(`seed: ${error.message}\n(npm run seed -- --help for the options)`);
    return 2;
  }
  if (job === null) {
    console.log(SEED_USAGE);
    return 0;
  }
  const { formatSeedSummary, runSeed } = await import('../lib/jobs/seed/run');
  const { terminalProgress } = await import('../lib/jobs/seed/progress');
  const summary = await runSeed(job, { progress: terminalProgress });
  console.log(formatSeedSummary(summary));
  return 0;
}

runCli('seed failed', () => main(process.argv.slice(2)));
