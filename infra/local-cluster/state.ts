/**
 * The cluster's state file (`cluster.json` in its directory): where every node listens,
 * which binaries and account run them, and whether PgBouncer is in front. Every command
 * after `start` reads it; nothing else describes the cluster.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const STATE_FILE = 'cluster.json';

/** The superuser every node is initialised with, and the user every URL names. */
export const SUPERUSER = 'postgres';

export interface NodeAddress {
  name: string;
  host: string;
  port: number;
}

/** One Patroni member: a PostgreSQL server of a Citus group and the Patroni that runs it. */
export interface HaMember extends NodeAddress {
  /** The Citus group: 0 is the coordinator's, 1.. the workers'. */
  group: number;
  /** Patroni's REST API. */
  restPort: number;
}

/** The high-availability mode's etcd and Patroni members (ha.ts). */
export interface HaState {
  etcd: { clientPort: number; peerPort: number };
  members: HaMember[];
}

export interface ClusterState {
  dir: string;
  pgBin: string;
  pgVersion: string;
  citus: boolean;
  citusVersion: string | null;
  /** The account the servers run as. */
  user: string;
  database: string;
  coordinator: NodeAddress;
  workers: NodeAddress[];
  /** PgBouncer in front of the coordinator; null (or absent, for older clusters) when there is none. */
  pooler?: NodeAddress | null;
  /** Why there is no pooler, in words for people. */
  poolerNote?: string;
  /**
   * The high-availability mode's Patroni members and etcd (ha.ts); absent in the plain
   * mode. Then `coordinator` is HAProxy's address, which reaches the coordinator group's
   * primary, and `workers` is empty: Patroni registers each worker group's primary.
   */
  ha?: HaState;
}

export async function readState(dir: string): Promise<ClusterState | null> {
  const file = path.join(dir, STATE_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(await readFile(file, 'utf8')) as ClusterState;
}

export async function requireState(dir: string): Promise<ClusterState> {
  const state = await readState(dir);
  if (!state) throw new Error(`no cluster in ${dir} (npm run cluster -- start)`);
  return state;
}

export async function writeState(state: ClusterState): Promise<void> {
  await writeFile(path.join(state.dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export function allNodes(state: ClusterState): NodeAddress[] {
  return [state.coordinator, ...state.workers];
}

export function findNode(state: ClusterState, name: string): NodeAddress {
  const node = allNodes(state).find((n) => n.name === name);
  if (!node) {
    throw new Error(
      `no node named "${name}"; the nodes are ${allNodes(state)
        .map((n) => n.name)
        .join(', ')}`,
    );
  }
  return node;
}

const url = (state: ClusterState, at: NodeAddress) =>
  `postgres://${SUPERUSER}@${at.host}:${at.port}/${state.database}`;

/** The coordinator's connection URL: what the app's `DATABASE_URL` should be. */
export function databaseUrl(state: ClusterState): string {
  return url(state, state.coordinator);
}

/** The functions' connection URL: PgBouncer's when the cluster has one, else the coordinator's. */
export function functionsDatabaseUrl(state: ClusterState): string {
  return url(state, state.pooler ?? state.coordinator);
}

/** The workers as `host:port,host:port`: what setup's `WORKER_HOSTS` should be. */
export function workerHosts(state: ClusterState): string {
  return state.workers.map((w) => `${w.host}:${w.port}`).join(',');
}

/** DB_RETRY_MS in the high-availability mode: longer than its failovers and switchovers last. */
export const HA_RETRY_MS = '8000';

/**
 * What setup, the operators' commands and the functions (`npm start`) need to know of
 * this cluster, as the variables they read: the coordinator, and the workers to register,
 * or, in the high-availability mode, that Patroni registers them (one per worker group)
 * and how long the functions retry through a failover.
 */
export function setupEnvironment(state: ClusterState): Record<string, string> {
  if (!state.ha) return { DATABASE_URL: databaseUrl(state), WORKER_HOSTS: workerHosts(state) };
  return {
    DATABASE_URL: databaseUrl(state),
    WORKER_REGISTRATION: 'patroni',
    EXPECTED_WORKERS: String(haGroups(state.ha).length - 1),
    // A failover here takes about 5 s and a switchover 3 to 5 (docs/reliability.md): the
    // functions send a refused read or order call again for up to 8 s instead of a 503.
    DB_RETRY_MS: HA_RETRY_MS,
  };
}

/** The high-availability mode's Citus groups, in order: 0 (the coordinator's), then each worker group. */
export function haGroups(ha: HaState): number[] {
  return [...new Set(ha.members.map((m) => m.group))].sort((a, b) => a - b);
}
