/**
 * The local cluster launcher: a coordinator and N workers as separate PostgreSQL server
 * processes on loopback ports, all data in one directory. No Docker needed. It starts
 * and stops processes and nothing more: registering the workers with the coordinator is
 * setup's job (lib/cluster/setup.ts, `./init.sh`), as it is under docker compose.
 *
 * When the `citus` extension is installed for the PostgreSQL binaries found, every node
 * preloads it and has the extension created in its database. When it is not, one plain
 * PostgreSQL node is started and the cluster is reported as undistributed. When PgBouncer
 * is installed, it runs in front of the coordinator (pooler.ts).
 *
 * Every operation returns a promise and waits without blocking the event loop, so a test
 * can stop or freeze a node while its own requests are in flight. The settings come in as
 * values (options.ts); the launcher reads no environment of its own.
 *
 * The modules: binaries (which PostgreSQL, whether Citus), account (running commands as
 * the servers' user), ports, state (the state file and the URLs it gives), nodes (one
 * server's initdb, start and stop), pooler (PgBouncer), lifecycle (the whole cluster),
 * faults (breaking one node on purpose) and describe (the cluster in words). Another kind
 * of node group (a primary with standbys, say) would be a module beside nodes.ts that
 * lifecycle.ts starts for each group: the high-availability mode is that (ha.ts starts
 * etcd, Patroni and HAProxy; ha-config.ts writes their configuration; ha-groups.ts asks
 * Patroni who is primary; daemon.ts runs the programs that have no daemon mode).
 */

export { POOLER_POOL_SIZE } from '../pgbouncer/ini';
export { describeCluster, describePooler } from './describe';
export { freezeNode, moveNode, startNodeByName, stopNodeByName, thawNode } from './faults';
export { killPostmaster } from './ha';

export { changePrimary, describeGroups, groupMembers, primaryOf } from './ha-groups';
export {
  addWorker,
  haPrograms,
  localProcesses,
  type NodeProcess,
  removeWorkerGroup,
  startCluster,
  stopCluster,
} from './lifecycle';
export {
  type CitusMode,
  type ClusterOptions,
  clusterDir,
  clusterOptions,
  type PoolerMode,
} from './options';
export { findFreePortRange } from './ports';
export {
  type ClusterState,
  databaseUrl,
  functionsDatabaseUrl,
  type HaMember,
  type HaState,
  type NodeAddress,
  readState,
  setupEnvironment,
  workerHosts,
} from './state';
