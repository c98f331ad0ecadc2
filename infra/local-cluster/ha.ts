/**
 * The high-availability mode of the local cluster (`npm run cluster -- start --ha`,
 * CLUSTER_HA=1): every Citus group (the coordinator's, each worker's) is a primary and a
 * synchronous standby run by Patroni in its Citus mode, with etcd as the store where
 * Patroni keeps each group's leader, and HAProxy in front of the coordinator group:
 *
 *   functions -> PgBouncer -> HAProxy -> the coordinator group's primary -> each worker group's primary
 *
 * Patroni owns what setup does in the plain mode: it creates the database and the citus
 * extension, registers every group's primary in pg_dist_node and moves the entry on a
 * failover or switchover. HAProxy asks each coordinator member's Patroni REST API
 * (`GET /primary`: 200 on the primary only) every second and sends connections to the
 * one that answers 200, closing those to a member that stops answering (the pattern
 * Patroni documents), so the functions follow the primary with no restart and no
 * configuration to edit. The settings that matter are in patroniConfig() below, with why.
 *
 * All of it runs on one machine: it protects against a server process dying (kill -9, a
 * crash), not against losing the machine.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { giveTo, runAs, type ServerAccount } from './account';
import { findProgram, psqlBinary } from './binaries';
import { type Daemon, daemonPid, startDaemon, stopDaemon } from './daemon';
import { LOOPBACK, portIsFree, waitFor } from './ports';
import { type ClusterState, type NodeAddress, SUPERUSER } from './state';

type Log = (line: string) => void;

/** One Patroni member: a PostgreSQL server of a Citus group and the Patroni that runs it. */
export interface HaMember extends NodeAddress {
  /** The Citus group: 0 is the coordinator's, 1.. the workers'. */
  group: number;
  /** Patroni's REST API. */
  restPort: number;
}

export interface HaState {
  etcd: { clientPort: number; peerPort: number };
  members: HaMember[];
}

/** The Patroni cluster name (its `scope`): every group of one Citus cluster shares it. */
const SCOPE = 'distribushop';
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
  const members = Array.from({ length: total }, (_, i) => {
    const group = Math.floor(i / MEMBERS_PER_GROUP);
    const letter = String.fromCharCode(97 + (i % MEMBERS_PER_GROUP));
    return {
      name: `${group === 0 ? 'coordinator' : `worker${group}`}-${letter}`,
      host: LOOPBACK,
      port: base + 1 + i,
      restPort: base + 1 + total + i,
      group,
    };
  });
  return { etcd: { clientPort: base + 1 + 2 * total, peerPort: base + 2 + 2 * total }, members };
}

const program = (name: string) => findProgram(name) ?? name;

const etcdUrl = (ha: HaState) => `http://${LOOPBACK}:${ha.etcd.clientPort}`;

function files(state: Pick<ClusterState, 'dir'>, name: string) {
  return {
    config: path.join(state.dir, 'ha', `${name}.yml`),
    daemon: {
      pidFile: path.join(state.dir, 'ha', `${name}.pid`),
      logFile: path.join(state.dir, 'logs', `${name}.log`),
    } satisfies Daemon,
  };
}

/**
 * A member's Patroni configuration (JSON, which is YAML). The timings are short for a
 * local cluster whose failures are process deaths: a member whose leader key is not
 * renewed for `ttl` seconds loses it; Patroni checks every `loop_wait` seconds.
 */
export function patroniConfig(state: ClusterState, ha: HaState, member: HaMember, fast: boolean) {
  const dataDir = path.join(state.dir, member.name);
  return {
    scope: SCOPE,
    namespace: '/distribushop/',
    name: member.name,
    citus: { group: member.group, database: state.database },
    restapi: {
      listen: `${LOOPBACK}:${member.restPort}`,
      connect_address: `${LOOPBACK}:${member.restPort}`,
    },
    etcd3: { hosts: [`${LOOPBACK}:${ha.etcd.clientPort}`] },
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
      listen: `${LOOPBACK}:${member.port}`,
      connect_address: `${LOOPBACK}:${member.port}`,
      data_dir: dataDir,
      bin_dir: state.pgBin,
      pgpass: path.join(state.dir, 'ha', `${member.name}.pgpass`),
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
        ...(fast ? { fsync: 'off', full_page_writes: 'off' } : {}),
      },
      pg_hba: [
        'local all all trust',
        `host all all ${LOOPBACK}/32 trust`,
        `host replication all ${LOOPBACK}/32 trust`,
      ],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}

/** HAProxy in front of the coordinator group: connections go to the member whose Patroni says it is the primary. */
export function haproxyConfig(state: ClusterState, ha: HaState): string {
  const coordinators = ha.members.filter((m) => m.group === 0);
  return [
    '# written by DistribuShop infra/local-cluster/ha.ts',
    'global',
    '  maxconn 1000',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 30m',
    '  timeout server 30m',
    '  timeout check 1s',
    'listen coordinator',
    `  bind ${state.coordinator.host}:${state.coordinator.port}`,
    '  option httpchk GET /primary',
    '  http-check expect status 200',
    '  default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions',
    ...coordinators.map((m) => `  server ${m.name} ${m.host}:${m.port} check port ${m.restPort}`),
    '',
  ].join('\n');
}

async function writeOwned(account: ServerAccount, file: string, text: string): Promise<void> {
  await writeFile(file, text);
  await giveTo(account, file);
}

/** What a member's Patroni says of it (GET /patroni); null when its REST API does not answer. */
export async function memberStatus(member: HaMember): Promise<Record<string, unknown> | null> {
  try {
    const reply = await fetch(`http://${member.host}:${member.restPort}/patroni`, {
      signal: AbortSignal.timeout(2000),
    });
    return (await reply.json()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export interface GroupMember {
  name: string;
  role: string;
  state: string;
  host: string;
  port: number;
  lag?: number | string;
}

/** A group's members as Patroni's REST API lists them (GET /cluster of any member that answers). */
export async function groupMembers(ha: HaState, group: number): Promise<GroupMember[] | null> {
  for (const member of ha.members.filter((m) => m.group === group)) {
    try {
      const reply = await fetch(`http://${member.host}:${member.restPort}/cluster`, {
        signal: AbortSignal.timeout(2000),
      });
      const body = (await reply.json()) as { members?: GroupMember[] };
      if (body.members) return body.members;
    } catch {
      // this member does not answer: ask the next one
    }
  }
  return null;
}

/** Whether a group has a running primary and a synchronous standby that streams from it. */
async function groupReady(ha: HaState, group: number): Promise<boolean> {
  const members = await groupMembers(ha, group);
  if (!members) return false;
  const leader = members.some((m) => m.role === 'leader' && m.state === 'running');
  const standby = members.some(
    (m) => m.role === 'sync_standby' && (m.state === 'streaming' || m.state === 'running'),
  );
  return leader && standby;
}

async function psqlAt(state: ClusterState, account: ServerAccount, sql: string): Promise<string> {
  const { host, port } = state.coordinator;
  const result = await runAs(
    account,
    psqlBinary(state.pgBin),
    ['-X', '-tA', '-h', host, '-p', String(port), '-U', SUPERUSER, '-d', state.database, '-c', sql],
    { allowFail: true },
  );
  return result.status === 0 ? result.stdout.trim() : '';
}

/** Starts etcd, every member and HAProxy (or finds them running), and waits until every group is whole. */
export async function startHa(
  state: ClusterState,
  ha: HaState,
  account: ServerAccount,
  opts: { fast: boolean; log: Log; timeoutMs?: number },
): Promise<void> {
  const haDir = path.join(state.dir, 'ha');
  await mkdir(haDir, { recursive: true });
  await giveTo(account, haDir);

  const etcd = files(state, 'etcd');
  if ((await daemonPid(etcd.daemon)) === null) {
    opts.log(`start etcd on ${etcdUrl(ha)}`);
    const peer = `http://${LOOPBACK}:${ha.etcd.peerPort}`;
    await startDaemon(account, etcd.daemon, program('etcd'), [
      '--name=distribushop',
      `--data-dir=${path.join(state.dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl(ha)}`,
      `--advertise-client-urls=${etcdUrl(ha)}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=distribushop=${peer}`,
    ]);
  }
  const etcdUp = await waitFor(async () => {
    try {
      return (await fetch(`${etcdUrl(ha)}/health`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  }, 20_000);
  if (!etcdUp) throw new Error(`etcd did not start on ${etcdUrl(ha)}; see ${etcd.daemon.logFile}`);

  for (const member of ha.members) {
    const own = files(state, member.name);
    if ((await daemonPid(own.daemon)) !== null) continue;
    await writeOwned(
      account,
      own.config,
      JSON.stringify(patroniConfig(state, ha, member, opts.fast), null, 2),
    );
    opts.log(`start patroni ${member.name} (group ${member.group}) on ${member.host}:${member.port}`);
    // HOME: the servers' user may not read root's ~/.postgresql, where libpq (and so Citus,
    // between nodes) looks for client certificates.
    await startDaemon(account, own.daemon, program('patroni'), [own.config], { HOME: state.dir });
  }

  const proxy = files(state, 'haproxy');
  if ((await daemonPid(proxy.daemon)) === null) {
    await writeOwned(account, proxy.config, haproxyConfig(state, ha));
    opts.log(
      `start haproxy on ${state.coordinator.host}:${state.coordinator.port} (the coordinator group's primary)`,
    );
    await startDaemon(account, proxy.daemon, program('haproxy'), ['-db', '-f', proxy.config]);
  }

  const groups = [...new Set(ha.members.map((m) => m.group))];
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (const group of groups) {
    while (!(await groupReady(ha, group))) {
      if (Date.now() > deadline) {
        throw new Error(
          `group ${group} has no primary with a synchronous standby yet; see ${state.dir}/logs`,
        );
      }
      await sleep(500);
    }
  }
  // Patroni registers each worker group's primary from the coordinator's primary.
  const workerGroups = groups.length - 1;
  while (
    (await psqlAt(
      state,
      account,
      "SELECT count(*) FROM pg_dist_node WHERE groupid > 0 AND noderole = 'primary' AND isactive",
    )) !== String(workerGroups)
  ) {
    if (Date.now() > deadline)
      throw new Error(`Patroni has not registered the ${workerGroups} worker groups yet`);
    await sleep(500);
  }
  await waitFor(async () => !(await portIsFree(state.coordinator.port)), 5000);
}

/** Stops HAProxy, every member (each group's standby before its primary) and etcd. */
export async function stopHa(state: ClusterState, ha: HaState, log?: Log): Promise<void> {
  await stopDaemon(files(state, 'haproxy').daemon);
  const groups = [...new Set(ha.members.map((m) => m.group))];
  await Promise.all(
    groups.map(async (group) => {
      const members = ha.members.filter((m) => m.group === group);
      const roles = await groupMembers(ha, group);
      const isLeader = (m: HaMember) => roles?.some((r) => r.name === m.name && r.role === 'leader') ?? false;
      for (const member of [...members].sort((a, b) => Number(isLeader(a)) - Number(isLeader(b)))) {
        if ((await daemonPid(files(state, member.name).daemon)) === null) continue;
        log?.(`stop patroni ${member.name}`);
        await stopDaemon(files(state, member.name).daemon, 'SIGTERM', 60_000);
      }
    }),
  );
  log?.('stop etcd');
  await stopDaemon(files(state, 'etcd').daemon);
}

/** Each member and whether its Patroni runs. */
export async function haProcesses(state: ClusterState, ha: HaState) {
  return Promise.all(
    ha.members.map(async (m) => ({ ...m, running: (await daemonPid(files(state, m.name).daemon)) !== null })),
  );
}

/**
 * Kills a member's PostgreSQL postmaster with SIGKILL, as a crash would: its Patroni
 * stays, sees it gone and (primary_start_timeout 0) fails the group over to the standby.
 * Returns the postmaster's pid.
 */
export async function killPostmaster(state: ClusterState, member: HaMember): Promise<number> {
  const pidFile = path.join(state.dir, member.name, 'postmaster.pid');
  if (!existsSync(pidFile)) throw new Error(`${member.name} has no running server (no postmaster.pid)`);
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** The member that is its group's primary now, by Patroni's word. */
export async function primaryOf(ha: HaState, group: number): Promise<HaMember | null> {
  const members = await groupMembers(ha, group);
  const leader = members?.find((m) => m.role === 'leader');
  return ha.members.find((m) => m.name === leader?.name) ?? null;
}
