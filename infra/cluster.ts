/**
 * `npm run cluster -- start|stop|status|url|env [--destroy]`: the local cluster from the command line.
 * Settings come from the environment (CLUSTER_DIR, CLUSTER_WORKERS, CLUSTER_PORT, CLUSTER_CITUS, PG_BIN).
 */

import { runCli } from './cli';
import {
  clusterStatus,
  databaseUrl,
  describeCluster,
  optionsFromEnv,
  readState,
  startCluster,
  stopCluster,
  workerHosts,
} from './local-cluster';

const USAGE = 'usage: npm run cluster -- start | stop [--destroy] | status | url | env';

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv;
  const options = optionsFromEnv();
  switch (command) {
    case 'start': {
      const state = await startCluster(options);
      console.log(describeCluster(state));
      console.log(`DATABASE_URL=${databaseUrl(state)}`);
      if (state.citus)
        console.log('next: ./init.sh (registers the workers, applies the schema, seeds a demo shop)');
      return 0;
    }
    case 'stop':
      stopCluster(options.dir, { destroy: flags.includes('--destroy'), log: options.log });
      console.log(flags.includes('--destroy') ? `stopped and removed ${options.dir}` : 'stopped');
      return 0;
    case 'status': {
      const status = clusterStatus(options.dir);
      if (!status) {
        console.log(`no cluster in ${options.dir} (npm run cluster -- start)`);
        return 1;
      }
      console.log(describeCluster(status.state));
      for (const node of status.nodes) {
        console.log(
          `  ${node.name.padEnd(12)} ${node.host}:${node.port}  ${node.running ? 'running' : 'STOPPED'}`,
        );
      }
      return status.nodes.every((n) => n.running) ? 0 : 1;
    }
    case 'url':
    case 'env': {
      const state = readState(options.dir);
      if (!state) {
        console.error(`no cluster in ${options.dir} (npm run cluster -- start)`);
        return 1;
      }
      if (command === 'url') console.log(databaseUrl(state));
      else
        console.log(
          `export DATABASE_URL='${databaseUrl(state)}'\nexport WORKER_HOSTS='${workerHosts(state)}'`,
        );
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

runCli('cluster', () => main(process.argv.slice(2)));
