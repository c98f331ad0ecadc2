/** The cluster in words for people: what `npm run cluster -- start | status` print. */
import { POOLER_POOL_SIZE } from '../pgbouncer/ini';
import { LOOPBACK } from './ports';
import { type ClusterState, functionsDatabaseUrl, haGroups } from './state';

/** One line on how the functions reach the coordinator. */
export function describePooler(state: ClusterState): string {
  if (state.pooler) {
    return `PgBouncer on ${state.pooler.host}:${state.pooler.port} (transaction pooling, at most ${POOLER_POOL_SIZE} coordinator connections per database): the functions use ${functionsDatabaseUrl(state)}`;
  }
  return `NO POOLER: ${state.poolerNote ?? 'PgBouncer is not running'}`;
}

export function describeCluster(state: ClusterState): string {
  if (!state.citus) {
    return (
      `UNDISTRIBUTED: Citus is not installed for PostgreSQL ${state.pgVersion} (${state.pgBin}); ` +
      `one plain PostgreSQL node on ${state.coordinator.host}:${state.coordinator.port}. ` +
      `The schema is applied undistributed and the Citus-only checks are skipped.\n${describePooler(state)}`
    );
  }
  if (state.ha) {
    const groups = haGroups(state.ha).length;
    return (
      `Citus ${state.citusVersion} on PostgreSQL ${state.pgVersion}, high-availability mode: ${groups} groups ` +
      `(the coordinator's and ${groups - 1} workers'), each a Patroni primary with a synchronous standby; ` +
      `etcd on ${LOOPBACK}:${state.ha.etcd.clientPort}; HAProxy on ${state.coordinator.host}:${state.coordinator.port} ` +
      `reaches the coordinator group's primary\n${describePooler(state)}`
    );
  }
  return (
    `Citus ${state.citusVersion} on PostgreSQL ${state.pgVersion}: coordinator ${state.coordinator.host}:${state.coordinator.port}, ` +
    `${state.workers.length} workers on ports ${state.workers.map((w) => w.port).join(', ')}\n${describePooler(state)}`
  );
}
