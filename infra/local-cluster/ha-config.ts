/**
 * The high-availability mode's layout and configuration files: which member listens
 * where, each member's Patroni configuration, HAProxy's, and patronictl's. Nothing here
 * runs anything (ha.ts does).
 */
import path from 'node:path';
import type { Daemon } from './daemon';
import { nodeDir } from './nodes';
import { LOOPBACK } from './ports';
import { type ClusterState, type HaMember, type HaState, SUPERUSER } from './state';

/** The Patroni cluster name (its `scope`): every group of one Citus cluster shares it. */
const SCOPE = 'distribushop';
/** Where in etcd Patroni keeps its keys: `/distribushop/distribushop/<group>/leader`, ... */
const NAMESPACE = '/distribushop/';
/** Members per group: a primary and its synchronous standby. */
const MEMBERS_PER_GROUP = 2;
const REPLICATION_USER = 'replicator';

/** How many ports an HA cluster of `workers` worker groups needs from its base port. */
export const haPortCount = (workers: number) => 3 + 2 * MEMBERS_PER_GROUP * (workers + 1);

/**
 * The members and etcd on ports from `base`: base itself is HAProxy's (the coordinator's
 * address as clients see it), then each member's PostgreSQL port, each member's REST
 * port, and etcd's client and peer ports.
 */
export function planHa(base: number, workers: number): HaState {
  const total = MEMBERS_PER_GROUP * (workers + 1);
  const members = Array.from({ length: total }, (_, i) =>
    haMember(Math.floor(i / MEMBERS_PER_GROUP), i % MEMBERS_PER_GROUP, base + 1 + i, base + 1 + total + i),
  );
  return { etcd: { clientPort: base + 1 + 2 * total, peerPort: base + 2 + 2 * total }, members };
}

/** The members of a worker group added later, on `ports` (MEMBERS_PER_GROUP × 2 of them, free). */
export function newWorkerGroup(ha: HaState, ports: number[]): HaMember[] {
  const group = Math.max(...ha.members.map((m) => m.group)) + 1;
  return Array.from({ length: MEMBERS_PER_GROUP }, (_, i) =>
    haMember(group, i, ports[i] as number, ports[MEMBERS_PER_GROUP + i] as number),
  );
}

export const PORTS_PER_GROUP = 2 * MEMBERS_PER_GROUP;

/** Member `index` of `group`: coordinator-a, worker2-b, ... */
function haMember(group: number, index: number, port: number, restPort: number): HaMember {
  const letter = String.fromCharCode(97 + index);
  return {
    name: `${group === 0 ? 'coordinator' : `worker${group}`}-${letter}`,
    host: LOOPBACK,
    port,
    restPort,
    group,
  };
}

export const etcdUrl = (ha: HaState) => `http://${LOOPBACK}:${ha.etcd.clientPort}`;

export function files(state: Pick<ClusterState, 'dir'>, name: string) {
  return {
    config: path.join(state.dir, 'ha', `${name}.yml`),
    /** A member's password file, which Patroni writes. */
    pgpass: path.join(state.dir, 'ha', `${name}.pgpass`),
    daemon: {
      pidFile: path.join(state.dir, 'ha', `${name}.pid`),
      logFile: path.join(state.dir, 'logs', `${name}.log`),
    } satisfies Daemon,
  };
}

/**
 * Where Patroni's members run, as far as their shared settings differ: the local
 * cluster's processes on loopback, or docker compose's containers (infra/docker/ha.ts).
 */
export interface PatroniSite {
  database: string;
  /** etcd's client addresses, `host:port`. */
  etcdHosts: string[];
  /** The addresses the members trust connections from (pg_hba): a CIDR, or `all`. */
  clients: string;
  /** fsync and full_page_writes off: for a throwaway cluster. */
  fast: boolean;
}

/**
 * What every member of a cluster shares, wherever it runs (JSON, which is YAML): the
 * settings that matter, with why. The timings are short for a cluster whose failures are
 * process deaths: a member whose leader key is not renewed for `ttl` seconds loses it;
 * Patroni checks every `loop_wait` seconds. What differs per member (its name, Citus
 * group, addresses and data folder) is the caller's.
 */
export function patroniSettings(site: PatroniSite) {
  return {
    scope: SCOPE,
    namespace: NAMESPACE,
    citus: { database: site.database },
    etcd3: { hosts: site.etcdHosts },
    bootstrap: {
      dcs: {
        ttl: 10,
        loop_wait: 2,
        retry_timeout: 5,
        maximum_lag_on_failover: 1048576,
        // A primary whose server died is failed over to its standby at once, not
        // restarted in place first (Patroni's default waits 300 s for that).
        primary_start_timeout: 0,
        // A commit is acknowledged once it is on the standby too. Not strict: with the
        // standby gone the primary goes on alone rather than refusing every write.
        synchronous_mode: true,
        // etcd down does not demote every primary while the members still see each other.
        failsafe_mode: true,
        postgresql: {
          use_pg_rewind: true,
          parameters: {
            max_connections: 200,
            max_prepared_transactions: 200,
            wal_log_hints: 'on',
            max_wal_senders: 10,
            max_replication_slots: 10,
            wal_keep_size: '128MB',
            hot_standby: 'on',
          },
        },
      },
      initdb: [{ encoding: 'UTF8' }, { locale: 'C' }],
    },
    postgresql: {
      // A standby is cloned with pg_basebackup: an immediate checkpoint, not a spread one
      // (which made a new standby wait about two minutes for a fresh primary).
      basebackup: [{ checkpoint: 'fast' }],
      authentication: {
        superuser: { username: SUPERUSER, password: SUPERUSER },
        replication: { username: REPLICATION_USER, password: REPLICATION_USER },
        rewind: { username: SUPERUSER, password: SUPERUSER },
      },
      parameters: {
        unix_socket_directories: '',
        // Patroni 3.0 does not set it: the address the node's own connections to itself use.
        'citus.local_hostname': LOOPBACK,
        log_line_prefix: '%m [%p] %q%u@%d ',
        // Tests' clusters skip the flushes. full_page_writes stays on: pg_rewind refuses a
        // source without it, and an old primary that needs a rewind would not rejoin.
        ...(site.fast ? { fsync: 'off' } : {}),
      },
      // An old primary whose rewind fails, or whose timeline went its own way, is cloned
      // again from the new primary rather than left out of its group for a person to mend.
      remove_data_directory_on_rewind_failure: true,
      remove_data_directory_on_diverged_timelines: true,
      pg_hba: [
        'local all all trust',
        `host all all ${site.clients} trust`,
        `host replication all ${site.clients} trust`,
      ],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}

/** A local member's Patroni configuration: the shared settings, and where this member listens and keeps its data. */
export function patroniConfig(state: ClusterState, ha: HaState, member: HaMember, fast: boolean) {
  const shared = patroniSettings({
    database: state.database,
    etcdHosts: [`${LOOPBACK}:${ha.etcd.clientPort}`],
    clients: `${LOOPBACK}/32`,
    fast,
  });
  return {
    ...shared,
    name: member.name,
    citus: { ...shared.citus, group: member.group },
    restapi: {
      listen: `${LOOPBACK}:${member.restPort}`,
      connect_address: `${LOOPBACK}:${member.restPort}`,
    },
    postgresql: {
      listen: `${LOOPBACK}:${member.port}`,
      connect_address: `${LOOPBACK}:${member.port}`,
      data_dir: nodeDir(state, member),
      bin_dir: state.pgBin,
      pgpass: files(state, member.name).pgpass,
      ...shared.postgresql,
    },
  };
}

/** Where patronictl's configuration for this cluster is. */
export const patronictlConfig = (state: Pick<ClusterState, 'dir'>) =>
  path.join(state.dir, 'ha', 'patronictl.yml');

export const patronictlSettings = (state: ClusterState, ha: HaState) => ({
  scope: SCOPE,
  namespace: NAMESPACE,
  etcd3: { hosts: [`${LOOPBACK}:${ha.etcd.clientPort}`] },
  citus: { group: 0, database: state.database },
});

/** One coordinator member as HAProxy reaches it: its PostgreSQL port and its Patroni REST port. */
export interface ProxiedMember {
  name: string;
  host: string;
  port: number;
  restPort: number;
}

/**
 * HAProxy's configuration in front of the coordinator group: connections go to the member
 * whose Patroni answers `/primary` with 200, and those to a member that stops
 * answering are closed. `dns` (docker compose's resolver) makes HAProxy start while a
 * member's name does not resolve yet and follow a member whose address changes.
 */
export function haproxyText(opts: {
  header: string[];
  bind: string;
  members: ProxiedMember[];
  dns?: string;
}): string {
  const resolve = opts.dns ? ' resolvers dns init-addr last,libc,none' : '';
  return [
    ...opts.header.map((line) => `# ${line}`),
    'global',
    '  maxconn 1000',
    ...(opts.dns ? ['resolvers dns', `  nameserver dns ${opts.dns}`, '  hold valid 1s'] : []),
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 30m',
    '  timeout server 30m',
    '  timeout check 1s',
    'listen coordinator',
    `  bind ${opts.bind}`,
    // OPTIONS, not GET: the same answer from Patroni's /primary, but the status line
    // alone. HAProxy closes a check once it has the status, and Patroni 3.0 logs a
    // traceback for every GET whose body it could not finish writing.
    '  option httpchk OPTIONS /primary',
    '  http-check expect status 200',
    `  default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions${resolve}`,
    ...opts.members.map((m) => `  server ${m.name} ${m.host}:${m.port} check port ${m.restPort}`),
    '',
  ].join('\n');
}

/** The local cluster's HAProxy, on the coordinator's address. */
export function haproxyConfig(state: ClusterState, ha: HaState): string {
  return haproxyText({
    header: ['written by DistribuShop infra/local-cluster/ha.ts'],
    bind: `${state.coordinator.host}:${state.coordinator.port}`,
    members: ha.members.filter((m) => m.group === 0),
  });
}
