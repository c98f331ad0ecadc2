/**
 * `tsx infra/functions-url.ts`: prints the URL the functions should use for the local
 * cluster (PgBouncer's when it runs in front of the coordinator, else the coordinator's),
 * and says on stderr which it is. `npm start` serves the functions with it.
 */
import { loadLocalClusterConfig } from '../lib/config';
import { runCli } from './cli';
import { clusterDir, describePooler, functionsDatabaseUrl, readState } from './local-cluster';

runCli('functions-url', async () => {
  const state = await readState(clusterDir(loadLocalClusterConfig()));
  if (!state) {
    console.error('no local cluster (npm run cluster -- start)');
    return 1;
  }
  console.error(describePooler(state));
  console.log(functionsDatabaseUrl(state));
  return 0;
});
