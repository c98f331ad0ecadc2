/** `npm run setup`: cluster setup from the command line; a readable summary, or a clear error and exit 1. */
import { formatSummary, setupCluster } from '../lib/cluster/setup';
import { runCli } from './cli';

runCli('setup failed', async () => {
  // Slow-statement warnings are expected while the bundle runs; the summary says what happened.
  process.env.LOG_LEVEL ??= 'error';
  const summary = await setupCluster();
  console.log(formatSummary(summary));
  return 0;
});
