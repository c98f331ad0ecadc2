/**
 * `npm run setup`: cluster setup from the command line, on DATABASE_URL's cluster or, when
 * it is unset, the local one; a readable summary, or a clear error and exit 1.
 */
import { formatSummary, setupCluster } from '../lib/cluster/setup';
import { operationsTarget, runCli } from './cli';

// Slow-statement warnings are expected while the bundle runs; the summary says what happened.
runCli(
  'setup failed',
  async () => {
    // DATABASE_URL's cluster, or the local one's (and how its workers are registered).
    const summary = await setupCluster((await operationsTarget()).cfg);
    console.log(formatSummary(summary));
    return 0;
  },
  { logLevel: 'error' },
);
