/** `npm run setup`: cluster setup from the command line; a readable summary, or a clear error and exit 1. */
import { formatSummary, setupCluster } from '../lib/cluster/setup';
import { runCli } from './cli';

// Slow-statement warnings are expected while the bundle runs; the summary says what happened.
runCli(
  'setup failed',
  async () => {
    const summary = await setupCluster();
    console.log(formatSummary(summary));
    return 0;
  },
  { logLevel: 'error' },
);
