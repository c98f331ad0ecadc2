/**
 * `npm run cluster -- COMMAND`: the local cluster's processes (start, stop, status, url,
 * env, add-worker, stop-node, start-node, freeze, thaw; switchover and failover in the
 * high-availability mode), and the operations any Citus
 * cluster at DATABASE_URL supports (rebalance, remove-worker; the local cluster's URL
 * when DATABASE_URL is unset). The launcher's settings are CLUSTER_* and PG_BIN.
 */
import {
  describeRebalance,
  type RebalanceStatus,
  startRebalance,
  waitForRebalance,
} from '../lib/cluster/rebalance';
import { formatSummary, setupCluster } from '../lib/cluster/setup';
import { clusterStatus, formatClusterStatus } from '../lib/cluster/status';
import { parseHostPort } from '../lib/cluster/workers';
import { removeWorker } from '../lib/cluster/workers-admin';
import { loadLocalClusterConfig } from '../lib/config';
import { operationsTarget, runCli, withOperationsDb } from './cli';
import {
  addWorker,
  changePrimary,
  clusterOptions,
  databaseUrl,
  describeCluster,
  describeGroups,
  freezeNode,
  localProcesses,
  readState,
  removeWorkerGroup,
  setupEnvironment,
  startCluster,
  startNodeByName,
  stopCluster,
  stopNodeByName,
  thawNode,
} from './local-cluster';

const USAGE = `usage: npm run cluster -- COMMAND
  start [--ha] | stop [--destroy] | url | env        the local cluster (--ha: Patroni primary + standby per group)
  status [--json]                                    nodes, shards, sizes, tables, largest tenants, rebalance (any DATABASE_URL)
  add-worker [--wait]                                one more local worker (a worker group in --ha mode), registered, shards rebalanced onto it
  stop-node NAME | start-node NAME                   stop or start one local node (worker2, coordinator)
  freeze NAME | thaw NAME                            SIGSTOP / SIGCONT one local node: a hung host
  switchover GROUP | failover GROUP                  high-availability mode: the group's standby becomes its primary (patronictl)
  rebalance [--wait]                                 start Citus's background rebalancer at DATABASE_URL
  remove-worker HOST:PORT                            move a worker's shards away, then remove it (scale down; --ha mode: its group)`;

const printStatus = (status: RebalanceStatus) => console.log(describeRebalance(status));

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv;
  const options = clusterOptions(loadLocalClusterConfig(), flags.includes('--ha') ? { ha: true } : {});
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
      await stopCluster(options.dir, { destroy: flags.includes('--destroy'), log: options.log });
      console.log(flags.includes('--destroy') ? `stopped and removed ${options.dir}` : 'stopped');
      return 0;
    case 'status': {
      // The local cluster's processes, when there is one and DATABASE_URL does not point elsewhere.
      const target = await operationsTarget();
      if (target.local?.ha) {
        // Patroni's view of each group stands for the processes: who leads, who follows.
        console.log(describeCluster(target.local));
        console.log(await describeGroups(target.local.ha));
        console.log('');
      }
      const local = target.local && !target.local.ha && (await localProcesses(options.dir));
      if (local) {
        console.log(describeCluster(local.state));
        for (const node of local.nodes) {
          console.log(
            `  ${node.name.padEnd(12)} ${node.host}:${node.port}  ${node.running ? 'running' : 'STOPPED'}`,
          );
        }
        console.log('');
        if (!local.nodes.find((n) => n.name === 'coordinator')?.running) return 1;
      }
      return withOperationsDb(
        async (db) => {
          const status = await clusterStatus(db);
          console.log(
            flags.includes('--json') ? JSON.stringify(status, null, 2) : formatClusterStatus(status),
          );
          return status.nodes.every((n) => n.state === 'active') ? 0 : 1;
        },
        { target },
      );
    }
    case 'url':
    case 'env': {
      const state = await readState(options.dir);
      if (!state) {
        console.error(`no cluster in ${options.dir} (npm run cluster -- start)`);
        return 1;
      }
      if (command === 'url') console.log(databaseUrl(state));
      else
        for (const [name, value] of Object.entries(setupEnvironment(state)))
          console.log(`export ${name}='${value}'`);
      return 0;
    }
    case 'add-worker': {
      const { node, state } = await addWorker(options.dir, { fast: options.fast, log: options.log });
      console.log(
        state.ha
          ? `started worker group ${node.name} (a primary and a synchronous standby), its primary on ${node.host}:${node.port}, registered by Patroni`
          : `started ${node.name} on ${node.host}:${node.port}; registering it`,
      );
      // Every local worker, the new one among them, whatever WORKER_HOSTS says (in the
      // high-availability mode Patroni registered it, and setup only rebalances).
      const { cfg } = await operationsTarget();
      const target = {
        cfg: state.ha ? cfg : { ...cfg, WORKER_HOSTS: state.workers.map((w) => `${w.host}:${w.port}`) },
        local: state,
      };
      return withOperationsDb(
        async (db, config) => {
          console.log(formatSummary(await setupCluster(config, db)));
          if (flags.includes('--wait')) await waitForRebalance(db, printStatus);
          return 0;
        },
        { target },
      );
    }
    case 'stop-node':
    case 'start-node':
    case 'freeze':
    case 'thaw': {
      const name = flags[0];
      if (!name) {
        console.error(USAGE);
        return 2;
      }
      const act = {
        'stop-node': stopNodeByName,
        'start-node': startNodeByName,
        freeze: freezeNode,
        thaw: thawNode,
      };
      await act[command](options.dir, name);
      console.log(`${command} ${name}: done`);
      return 0;
    }
    case 'switchover':
    case 'failover': {
      const group = Number(flags[0]);
      const state = await readState(options.dir);
      if (!state?.ha || !Number.isInteger(group) || flags[0] === undefined) {
        console.error(
          state?.ha
            ? USAGE
            : 'switchover and failover need the local cluster in the high-availability mode (start --ha)',
        );
        return 2;
      }
      console.log(await changePrimary(state, state.ha, group, command));
      console.log(await describeGroups(state.ha));
      return 0;
    }
    case 'rebalance':
      return withOperationsDb(async (db) => {
        const started = await startRebalance(db);
        if (started.outcome === 'balanced') console.log('balanced: no shard needs to move');
        else if (started.outcome === 'already-running') printStatus(started.status);
        else console.log(`started rebalance job ${started.jobId}: ${started.moves} shard group moves`);
        if (flags.includes('--wait') && started.outcome !== 'balanced') {
          const last = await waitForRebalance(db, printStatus);
          return last.state === 'finished' ? 0 : 1;
        }
        return 0;
      });
    case 'remove-worker': {
      const target = flags[0];
      if (!target || !/^[^\s:]+:\d+$/.test(target)) {
        console.error(USAGE);
        return 2;
      }
      return withOperationsDb(async (db, cfg) => {
        const address = parseHostPort(target);
        if (cfg.WORKER_REGISTRATION === 'patroni') {
          // Patroni registers every worker group that has a leader: the group's members are
          // stopped and its keys removed before its entry goes (removeWorkerGroup).
          const local = await readState(options.dir);
          if (!local?.ha || databaseUrl(local) !== cfg.DATABASE_URL) {
            console.error(
              "remove-worker: Patroni registers this cluster's worker groups, and this command removes a group only from the " +
                "local high-availability cluster. Elsewhere: citus_drain_node, stop the group's members, " +
                '`patronictl remove <scope> --group N`, then citus_remove_node (docs/operations.md)',
            );
            return 2;
          }
          const removed = await removeWorkerGroup(options.dir, db, address, { log: options.log });
          console.log(
            `moved ${removed.movedShards} shards off worker group ${removed.group}, stopped its members ` +
              `(${removed.members.map((m) => m.name).join(', ')}), removed its keys from etcd and its entry from the cluster`,
          );
          return 0;
        }
        const { movedShards } = await removeWorker(db, address);
        console.log(`moved ${movedShards} shards off ${target} and removed it from the cluster`);
        return 0;
      });
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

// Shard moves are slow statements by nature; the commands say what happened.
runCli('cluster', () => main(process.argv.slice(2)), { logLevel: 'error' });
