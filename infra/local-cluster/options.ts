/** What a cluster is started with: the launcher's settings (CLUSTER_*, PG_BIN), as values. */
import path from 'node:path';
import type { ConnectionBounds, LocalClusterConfig } from '../../lib/config';

export type CitusMode = LocalClusterConfig['CLUSTER_CITUS'];
export type PoolerMode = LocalClusterConfig['CLUSTER_POOLER'];

export interface ClusterOptions {
  /** Directory that holds every node's data, logs and the cluster's state file. */
  dir: string;
  /** Number of workers when Citus is available. */
  workers: number;
  /** Coordinator port; worker i listens on port + i. `0` picks a free range. */
  port: number;
  /** `auto` uses Citus when installed; `on` requires it; `off` starts plain PostgreSQL. */
  citus: CitusMode;
  /** Name of the database created on every node. */
  database: string;
  /** Trade durability for speed (fsync off): for tests and throwaway clusters only. */
  fast: boolean;
  /** PgBouncer in front of the coordinator: `auto` when installed, `on` requires it, `off` never. */
  pooler: PoolerMode;
  /** PgBouncer's port; default the coordinator's port - 1, or a free one when `port` is 0. */
  poolerPort?: number;
  /** The functions' connection bounds, which PgBouncer sets on each server connection. */
  connectionBounds: ConnectionBounds;
  /** The PostgreSQL server binaries; default `pg_config --bindir`, then the usual locations. */
  pgBin?: string;
  /** When run as root, the unprivileged user the servers run as. */
  user: string;
  /** Every group a Patroni primary with a synchronous standby, etcd and HAProxy (ha.ts). */
  ha: boolean;
  /** Print progress lines. */
  log: (line: string) => void;
}

/** The local cluster's default directory: `.cluster/` at the project's root. */
const DEFAULT_CLUSTER_DIR = path.resolve(__dirname, '..', '..', '.cluster');

/** The cluster's directory the settings name. */
export function clusterDir(settings: Pick<LocalClusterConfig, 'CLUSTER_DIR'>): string {
  return path.resolve(settings.CLUSTER_DIR ?? DEFAULT_CLUSTER_DIR);
}

/** Options from the launcher's settings (loadLocalClusterConfig()), with `overrides` on top. */
export function clusterOptions(
  settings: LocalClusterConfig,
  overrides: Partial<ClusterOptions> = {},
): ClusterOptions {
  return {
    dir: clusterDir(settings),
    workers: settings.CLUSTER_WORKERS,
    port: settings.CLUSTER_PORT,
    citus: settings.CLUSTER_CITUS,
    database: settings.CLUSTER_DATABASE,
    fast: settings.CLUSTER_FAST,
    pooler: settings.CLUSTER_POOLER,
    poolerPort: settings.CLUSTER_POOLER_PORT,
    connectionBounds: {
      DB_STATEMENT_TIMEOUT_MS: settings.DB_STATEMENT_TIMEOUT_MS,
      DB_NODE_CONNECT_TIMEOUT_MS: settings.DB_NODE_CONNECT_TIMEOUT_MS,
    },
    pgBin: settings.PG_BIN,
    user: settings.CLUSTER_USER,
    ha: settings.CLUSTER_HA,
    log: (line) => console.log(line),
    ...overrides,
  };
}
