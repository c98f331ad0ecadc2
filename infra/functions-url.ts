/**
 * `tsx infra/functions-url.ts`: prints the URL the functions should use for the local
 * cluster (PgBouncer's when it runs in front of the coordinator, else the coordinator's),
 * and says on stderr which it is. `npm start` serves the functions with it.
 */
import { describePooler, functionsDatabaseUrl, optionsFromEnv, readState } from './local-cluster';

const state = readState(optionsFromEnv().dir);
if (!state) {
  console.error('no local cluster (npm run cluster -- start)');
  process.exit(1);
}
console.error(describePooler(state));
console.log(functionsDatabaseUrl(state));
