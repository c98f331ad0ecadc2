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
 * (`/primary`: 200 on the primary only) every second and sends connections to the
 * one that answers 200, closing those to a member that stops answering (the pattern
 * Patroni documents), so the functions follow the primary with no restart and no
 * configuration to edit. The settings that matter are in patroniSettings() (ha-config.ts), with why.
 *
 * All of it runs on one machine: it protects against a server process dying (kill -9, a
 * crash), not against losing the machine.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { giveTo, runAs, type ServerAccount } from './account';
import { program } from './binaries';
import { daemonPid, startDaemon, stopDaemon } from './daemon';
import {
  etcdUrl,
  files,
  haproxyConfig,
  newWorkerGroup,
  PORTS_PER_GROUP,
  patroniConfig,
  patronictlConfig,
  patronictlSettings,
} from './ha-config';
import { type GroupMember, groupMembers, groupReady } from './ha-groups';
import { nodeDir, psql, stopNode } from './nodes';
import { findFreePortRange, LOOPBACK, portIsFree, waitFor } from './ports';
import { type ClusterState, type HaMember, type HaState, haGroups, writeState } from './state';

type Log = (line: string) => void;

async function writeOwned(account: ServerAccount, file: string, text: string): Promise<void> {
  await writeFile(file, text);
  await giveTo(account, file);
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

  // patronictl's configuration: `patronictl -c <dir>/ha/patronictl.yml list`.
  await writeOwned(account, patronictlConfig(state), JSON.stringify(patronictlSettings(state, ha), null, 2));

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

  await startMembers(state, ha.members, account, opts);

  const proxy = files(state, 'haproxy');
  if ((await daemonPid(proxy.daemon)) === null) {
    await writeOwned(account, proxy.config, haproxyConfig(state, ha));
    opts.log(
      `start haproxy on ${state.coordinator.host}:${state.coordinator.port} (the coordinator group's primary)`,
    );
    await startDaemon(account, proxy.daemon, program('haproxy'), ['-db', '-f', proxy.config]);
  }

  await untilWhole(state, ha, account, opts.timeoutMs ?? 180_000);
  await waitFor(async () => !(await portIsFree(state.coordinator.port)), 5000);
}

/** Starts each member's Patroni that does not run yet. */
async function startMembers(
  state: ClusterState,
  members: HaMember[],
  account: ServerAccount,
  opts: { fast: boolean; log: Log },
): Promise<void> {
  const ha = state.ha as HaState;
  for (const member of members) {
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
}

/**
 * Waits until every group has a running primary with a synchronous standby, and Patroni
 * (from the coordinator's primary) has registered each worker group's primary.
 */
async function untilWhole(state: ClusterState, ha: HaState, account: ServerAccount, ms: number) {
  const groups = haGroups(ha);
  const deadline = Date.now() + ms;
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
  const workerGroups = String(groups.length - 1);
  const registered =
    "SELECT count(*) FROM pg_dist_node WHERE groupid > 0 AND noderole = 'primary' AND isactive";
  // The coordinator group's primary, through HAProxy; no answer yet counts as none registered.
  const count = () => psql(state, account, state.coordinator, state.database, registered).catch(() => '');
  while ((await count()) !== workerGroups) {
    if (Date.now() > deadline)
      throw new Error(`Patroni has not registered the ${workerGroups} worker groups yet`);
    await sleep(500);
  }
}

/**
 * One more worker group, a primary and a synchronous standby on free ports, which Patroni
 * registers once it has a primary; moving shards onto it is the rebalancer's job (setup
 * starts it). Returns the group's members.
 */
export async function addWorkerGroup(
  state: ClusterState,
  account: ServerAccount,
  opts: { fast: boolean; log: Log },
): Promise<HaMember[]> {
  const ha = state.ha as HaState;
  const base = await findFreePortRange(PORTS_PER_GROUP);
  const members = newWorkerGroup(
    ha,
    Array.from({ length: PORTS_PER_GROUP }, (_, i) => base + i),
  );
  ha.members.push(...members);
  await writeState(state);
  await startMembers(state, members, account, opts);
  await untilWhole(state, ha, account, 180_000);
  return members;
}

/** A group's members, its primary (by Patroni's `roles`, when a member answered) last. */
function standbyFirst(ha: HaState, group: number, roles: GroupMember[] | null): HaMember[] {
  const isLeader = (m: HaMember) => roles?.some((r) => r.name === m.name && r.role === 'leader') ?? false;
  return ha.members
    .filter((m) => m.group === group)
    .sort((a, b) => Number(isLeader(a)) - Number(isLeader(b)));
}

/**
 * Stops a group's members, its standby before its primary (a primary stopped first would
 * hand the group to its standby); Patroni gives up the group's leader key as it stops.
 */
async function stopGroup(state: ClusterState, ha: HaState, group: number, log?: Log): Promise<void> {
  const members = standbyFirst(ha, group, await groupMembers(ha, group));
  for (const member of members) {
    if ((await daemonPid(files(state, member.name).daemon)) === null) continue;
    log?.(`stop patroni ${member.name}`);
    await stopDaemon(files(state, member.name).daemon, 'SIGTERM', 60_000);
  }
}

/** Stops HAProxy, every member (each group's standby before its primary) and etcd. */
export async function stopHa(state: ClusterState, ha: HaState, log?: Log): Promise<void> {
  await stopDaemon(files(state, 'haproxy').daemon);
  await Promise.all(haGroups(ha).map((group) => stopGroup(state, ha, group, log)));
  log?.('stop etcd');
  await stopDaemon(files(state, 'etcd').daemon);
}

/**
 * Takes a worker group out for good: pauses Patroni's management of it, stops its
 * Patroni daemons and then their servers (the standby first), removes the group's keys
 * from etcd with `patronictl remove` (the coordinator's Patroni registers every group
 * that has a leader), deletes the members' data and drops them from the state. Its
 * shards must have been moved away first, and its pg_dist_node entry is the caller's to
 * remove after.
 *
 * Why paused: a primary's Patroni that stops its server tells the coordinator's first
 * ("before_demote"), which renames the group's entry to `<host>-demoted` in a transaction
 * it keeps open until the group's next primary reports. For a group that never comes
 * back, Patroni 3.0 keeps it open for good, holding the row citus_remove_node must lock,
 * and ignores the group's number from then on. Paused, Patroni exits and leaves the
 * server running, telling nobody; the servers are then stopped like the plain mode's.
 */
export async function retireWorkerGroup(
  state: ClusterState,
  account: ServerAccount,
  group: number,
  log?: Log,
): Promise<HaMember[]> {
  const ha = state.ha as HaState;
  if (group === 0) throw new Error("group 0 is the coordinator's: it cannot be removed");
  const members = ha.members.filter((m) => m.group === group);
  if (members.length === 0)
    throw new Error(`no worker group ${group}; the groups are ${haGroups(ha).join(', ')}`);
  const patronictl = (args: string[], input?: string) =>
    runAs(account, program('patronictl'), ['-c', patronictlConfig(state), ...args], { input });
  const roles = await groupMembers(ha, group);
  // A group left half-removed by an earlier attempt has no member answering: nothing to pause.
  if (roles) {
    log?.(`pause Patroni's management of group ${group}`);
    await patronictl(['pause', '--group', String(group), '--wait']);
  }
  const ordered = standbyFirst(ha, group, roles);
  for (const member of ordered) {
    log?.(`stop patroni ${member.name}`);
    await stopDaemon(files(state, member.name).daemon, 'SIGTERM', 60_000);
  }
  for (const member of ordered) {
    log?.(`stop ${member.name}'s server`);
    await stopNode(state, account, member);
  }
  log?.(`remove group ${group}'s keys from etcd`);
  const scope = patronictlSettings(state, ha).scope;
  // patronictl asks for the cluster's name, a sentence that says the caller knows and,
  // while the leader key has not lapsed yet (a paused Patroni leaves it), the leader's name.
  const leader = roles?.find((r) => r.role === 'leader')?.name ?? '';
  await patronictl(['remove', scope, '--group', String(group)], `${scope}\nYes I am aware\n${leader}\n`);
  // Its data, its Patroni configuration and password file; its log stays in logs/.
  for (const member of members) {
    const own = files(state, member.name);
    await rm(nodeDir(state, member), { recursive: true, force: true });
    await rm(own.config, { force: true });
    await rm(own.pgpass, { force: true });
  }
  ha.members = ha.members.filter((m) => m.group !== group);
  await writeState(state);
  return members;
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
  const pidFile = path.join(nodeDir(state, member), 'postmaster.pid');
  if (!existsSync(pidFile)) throw new Error(`${member.name} has no running server (no postmaster.pid)`);
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  return pid;
}
