/**
 * The whole cluster's life: start (or find running), stop (and destroy), status, and one
 * more worker. A cluster is a coordinator and N workers, each one node (nodes.ts), with
 * PgBouncer in front (pooler.ts); its state file (state.ts) says where each listens.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { WorkerAddress } from '../../lib/cluster/workers';
import { drainWorker, forgetWorker } from '../../lib/cluster/workers-admin';
import type { Db } from '../../lib/db';
import { giveTo, type ServerAccount, serverAccount } from './account';
import { findPgBin, findProgram, installedCitusVersion, pgMajorVersion } from './binaries';
import { thawNode } from './faults';
import { addWorkerGroup, haProcesses, retireWorkerGroup, startHa, stopHa } from './ha';
import { haPortCount, planHa } from './ha-config';
import { primaryOf } from './ha-groups';
import { ensureDatabase, initNode, nodeRunning, startNode, stopNode } from './nodes';
import type { ClusterOptions } from './options';
import { startPooler, stopPooler } from './pooler';
import { findFreePortRange, LOOPBACK, portIsFree } from './ports';
import {
  allNodes,
  type ClusterState,
  type HaMember,
  type NodeAddress,
  readState,
  requireState,
  writeState,
} from './state';

export interface NodeProcess extends NodeAddress {
  running: boolean;
}

/** The state of a cluster not started before: binaries, Citus or not, and the nodes' ports. */
async function plan(options: ClusterOptions, account: ServerAccount): Promise<ClusterState> {
  const pgBin = await findPgBin(options.pgBin);
  const citusVersion = options.citus === 'off' ? null : await installedCitusVersion(pgBin);
  if (options.citus === 'on' && !citusVersion) {
    throw new Error(`CLUSTER_CITUS=on but the citus extension is not installed for ${pgBin}`);
  }
  const citus = citusVersion !== null;
  if (options.ha) {
    if (!citus)
      throw new Error(`the high-availability mode needs Citus, which is not installed for ${pgBin}`);
    await requireHaPrograms();
  }
  // The high-availability mode's ports: HAProxy (the coordinator as clients see it), then the
  // members and etcd (ha-config.ts); the plain mode's: the coordinator, then each worker.
  const portCount = options.ha ? haPortCount(options.workers) : citus ? options.workers + 1 : 1;
  const port = options.port === 0 ? await findFreePortRange(portCount) : options.port;
  const plainWorkers = citus && !options.ha ? options.workers : 0;
  return {
    dir: options.dir,
    pgBin,
    pgVersion: await pgMajorVersion(pgBin),
    citus,
    citusVersion,
    user: account.name,
    database: options.database,
    coordinator: { name: 'coordinator', host: LOOPBACK, port },
    workers: Array.from({ length: plainWorkers }, (_, i) => ({
      name: `worker${i + 1}`,
      host: LOOPBACK,
      port: port + i + 1,
    })),
    ...(options.ha ? { ha: planHa(port, options.workers) } : {}),
  };
}

/** Starts the cluster, or finds it already running (start twice = one cluster). */
export async function startCluster(options: ClusterOptions): Promise<ClusterState> {
  const account = await serverAccount(options.user);
  const state = (await readState(options.dir)) ?? (await plan(options, account));
  const logs = path.join(state.dir, 'logs');
  await mkdir(logs, { recursive: true });
  await giveTo(account, state.dir, logs);
  if (state.ha) {
    await writeState(state);
    await startHa(state, state.ha, account, { fast: options.fast, log: options.log });
  } else await startNodes(state, account, options);
  await startPooler(state, account, {
    mode: options.pooler,
    port: options.poolerPort,
    freePorts: options.port === 0,
    bounds: options.connectionBounds,
    log: options.log,
  });
  await writeState(state);
  return state;
}

/** The plain mode's nodes: each one server, made, started and given the database. */
async function startNodes(
  state: ClusterState,
  account: ServerAccount,
  options: ClusterOptions,
): Promise<void> {
  for (const node of allNodes(state)) {
    if (!(await nodeRunning(state, account, node)) && !(await portIsFree(node.port))) {
      throw new Error(
        `Port ${node.port} for ${node.name} is taken by another process; set CLUSTER_PORT to another base port`,
      );
    }
  }
  for (const node of allNodes(state)) await initNode(state, account, node, options.fast, options.log);
  await writeState(state);
  for (const node of allNodes(state)) await startNode(state, account, node, options.log);
  await Promise.all(allNodes(state).map((node) => ensureDatabase(state, account, node)));
}

/** Patroni, etcd and HAProxy, which the high-availability mode runs: the ones not installed. */
export function haPrograms(): { missing: string[] } {
  return { missing: ['patroni', 'etcd', 'haproxy'].filter((program) => !findProgram(program)) };
}

async function requireHaPrograms(): Promise<void> {
  const { missing } = haPrograms();
  if (missing.length > 0) {
    throw new Error(
      `the high-availability mode needs ${missing.join(', ')} (Debian: apt-get install patroni etcd-server haproxy)`,
    );
  }
}

/** Stops every node (and PgBouncer); with `destroy`, deletes the cluster's directory too. */
export async function stopCluster(
  dir: string,
  opts: { destroy?: boolean; log?: (line: string) => void } = {},
): Promise<void> {
  const state = await readState(dir);
  if (state) {
    await stopPooler(state, opts.log);
    // In the high-availability mode Patroni runs every server (and `coordinator` is HAProxy).
    if (state.ha) await stopHa(state, state.ha, opts.log);
    else await stopNodes(state, opts.log);
  }
  if (opts.destroy) await rm(dir, { recursive: true, force: true });
}

/** The plain mode's nodes, workers first. */
async function stopNodes(state: ClusterState, log?: (line: string) => void): Promise<void> {
  const account = await serverAccount(state.user);
  // A frozen node would never finish a fast shutdown, nor would a node whose backends
  // wait on a frozen one: thaw them all first.
  for (const node of allNodes(state)) await thawNode(state.dir, node.name);
  for (const node of [...state.workers, state.coordinator]) {
    if (!(await nodeRunning(state, account, node))) continue;
    log?.(`stop ${node.name}`);
    await stopNode(state, account, node);
  }
}

/** Each node, running or not; null when there is no cluster in `dir`. */
export async function localProcesses(
  dir: string,
): Promise<{ state: ClusterState; nodes: NodeProcess[] } | null> {
  const state = await readState(dir);
  if (!state) return null;
  if (state.ha) return { state, nodes: await haProcesses(state, state.ha) };
  const account = await serverAccount(state.user);
  const nodes = await Promise.all(
    allNodes(state).map(async (n) => ({ ...n, running: await nodeRunning(state, account, n) })),
  );
  return { state, nodes };
}

/**
 * Starts one more worker (the next name, the first free port after the others), with the
 * database and extension every node has. Registering it and moving shards onto it is
 * setup's job, as for any worker.
 */
export async function addWorker(
  dir: string,
  opts: { fast?: boolean; log?: (line: string) => void } = {},
): Promise<{ state: ClusterState; node: NodeAddress }> {
  const state = await requireState(dir);
  if (!state.citus) throw new Error('the local cluster is plain PostgreSQL (no Citus): it has no workers');

  const account = await serverAccount(state.user);
  if (state.ha) {
    // A worker group: its primary is the node to report; Patroni registers it.
    const members = await addWorkerGroup(state, account, {
      fast: opts.fast ?? false,
      log: opts.log ?? (() => {}),
    });
    const primary = (await primaryOf(state.ha, members[0]?.group ?? -1)) ?? members[0];
    if (!primary) throw new Error('the new worker group has no member');
    return { state, node: { name: `worker${primary.group}`, host: primary.host, port: primary.port } };
  }
  let port = Math.max(...allNodes(state).map((n) => n.port)) + 1;
  while (!(await portIsFree(port))) port += 1;
  const numbers = state.workers.map((w) => Number(/(\d+)$/.exec(w.name)?.[1] ?? 0));
  const node: NodeAddress = { name: `worker${Math.max(0, ...numbers) + 1}`, host: LOOPBACK, port };
  const log = opts.log ?? (() => {});
  await initNode(state, account, node, opts.fast ?? false, log);
  state.workers.push(node);
  await writeState(state);
  await startNode(state, account, node, log);
  await ensureDatabase(state, account, node);
  return { state, node };
}

/**
 * Scales the high-availability mode down by one worker group, the one with a member at
 * `address` (its primary, as `cluster status` lists it): the group's shards are moved to
 * the others while orders go on, its members stopped and its keys removed from etcd
 * (retireWorkerGroup), and only then its entry removed from pg_dist_node, because the
 * coordinator's Patroni registers a group again for as long as it has a leader.
 */
export async function removeWorkerGroup(
  dir: string,
  database: Db,
  address: WorkerAddress,
  opts: { log?: (line: string) => void } = {},
): Promise<{ group: number; members: HaMember[]; movedShards: number }> {
  const state = await requireState(dir);
  if (!state.ha) throw new Error('the local cluster is not in the high-availability mode');
  const member = state.ha.members.find((m) => m.host === address.host && m.port === address.port);
  if (!member || member.group === 0) {
    const workers = state.ha.members.filter((m) => m.group > 0).map((m) => `${m.host}:${m.port}`);
    throw new Error(
      `${address.host}:${address.port} is not a member of a worker group (they are ${workers.join(', ') || 'none'})`,
    );
  }
  // pg_dist_node names the group's primary, which may be another member than the one named.
  const registered = (await primaryOf(state.ha, member.group)) ?? member;
  const { movedShards } = await drainWorker(database, registered);
  const members = await retireWorkerGroup(state, await serverAccount(state.user), member.group, opts.log);
  await forgetWorker(database, registered, { gone: true });
  return { group: member.group, members, movedShards };
}
