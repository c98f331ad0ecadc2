/**
 * A throwaway cluster: started, set up like a new cluster, and destroyed at the end, or
 * destroyed at once when starting or setup fails (jest runs no teardown after a failed
 * setup, and nothing else would stop the servers). The test tiers' shared cluster, the
 * clusters of test files that stop, freeze, move or add nodes, and the benchmark's all
 * start here.
 *
 * With `on`, no cluster is started: the database is made on the running cluster at that
 * URL instead (on the coordinator and on every worker, with the extension in each, since
 * Citus keeps one cluster's metadata per database and this Citus does not propagate
 * CREATE DATABASE), so that seeding, which truncates, never touches a database other
 * test files are writing to.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CitusMode,
  type ClusterState,
  clusterOptions,
  databaseUrl,
  describePooler,
  functionsDatabaseUrl,
  type PoolerMode,
  readState,
  setupEnvironment,
  startCluster,
  stopCluster,
} from '../../infra/local-cluster';
import { type SetupSummary, setupCluster } from '../../lib/cluster/setup';
import { type Config, loadConfig, loadLocalClusterConfig } from '../../lib/config';
import type { Db } from '../../lib/db';
import { openBulkSession, quoteIdentifier } from '../../lib/db/copy';
import { operatorDb } from '../../lib/db/operator';

export interface ThrowawayOptions {
  /** The database that is set up; its name (in dashes) also starts the temporary directory's. */
  database: string;
  /** Make the database on the running cluster at this URL instead of starting a cluster. */
  on?: string;
  /** Workers of a new cluster; default the launcher's setting (CLUSTER_WORKERS). */
  workers?: number;
  /** Citus for a new cluster; default the launcher's setting (CLUSTER_CITUS). */
  citus?: CitusMode;
  /** PgBouncer in front of a new cluster; default the launcher's setting (CLUSTER_POOLER). */
  pooler?: PoolerMode;
  /** citus.shard_count for the database, set before setup: few shards move quickly. */
  shardCount?: number;
  /** Where the launcher's settings and the configuration are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Leave what was started behind when setup fails, to look at it (default: destroy it). */
  keepOnFailure?: boolean;
  /** The high-availability mode: every group a Patroni primary and standby (infra/local-cluster/ha.ts). */
  ha?: boolean;
}

export interface Throwaway {
  /** The coordinator's connection URL. */
  url: string;
  /** Where the functions connect: PgBouncer's URL when a new cluster has one in front, else `url`. */
  functionsUrl: string;
  /** How the functions reach the coordinator, in words. */
  pooler: string;
  citus: boolean;
  /** What the first setup found. */
  summary: SetupSummary;
  /** The variables that point another process at the cluster: DATABASE_URL and how its workers are registered. */
  env: Record<string, string> & { DATABASE_URL: string };
  /** An operator's database on the coordinator (no statement timeout), closed by `destroy()`. */
  readonly db: Db;
  /** The configuration setup and the functions would get for the cluster as it is now. */
  config(extra?: NodeJS.ProcessEnv): Promise<Config>;
  /** Runs setup against the cluster as it is now. */
  setup(extra?: NodeJS.ProcessEnv): Promise<SetupSummary>;
  /** Stops and deletes the cluster (drops the database, with `on`). */
  destroy(): Promise<void>;
}

/**
 * The cluster of a test file that stops, freezes, moves or adds workers, which the shared
 * test cluster must not see: two workers, and few shards, so that shard moves are quick.
 */
export const NODES_TO_BREAK: ThrowawayOptions & { on?: undefined } = {
  database: 'distribushop_dedicated',
  citus: 'on',
  workers: 2,
  shardCount: 4,
  pooler: 'off',
};

/** A throwaway cluster the launcher started: its directory, for the launcher's node commands. */
export interface LocalThrowaway extends Throwaway {
  dir: string;
  /** The launcher's state as it is now (nodes move and are added during a test). */
  state(): Promise<ClusterState>;
}

/** What starting a cluster (or making a database on one) leaves for setup. */
interface Started {
  url: string;
  functionsUrl: string;
  pooler: string;
  /** What setup needs to know of the workers, as they are now (WORKER_HOSTS, or Patroni's registration). */
  workers(): Promise<Record<string, string>>;
  /** Undoes the start. */
  remove(): Promise<void>;
  local?: { dir: string; state(): Promise<ClusterState> };
}

/** The same URL with another database name (and, when given, another host and port). */
export function withDatabase(url: string, database: string, host?: string, port?: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (host !== undefined) parsed.hostname = host;
  if (port !== undefined) parsed.port = String(port);
  return parsed.toString();
}

async function startLocal(options: ThrowawayOptions, env: NodeJS.ProcessEnv): Promise<Started> {
  const settings = loadLocalClusterConfig(env);
  const dir = await mkdtemp(path.join(os.tmpdir(), `${options.database.replace(/_/g, '-')}-`));
  const remove = () => stopCluster(dir, { destroy: true });
  let state: ClusterState;
  try {
    state = await startCluster(
      clusterOptions(settings, {
        dir,
        port: 0,
        database: options.database,
        fast: true,
        workers: options.workers ?? settings.CLUSTER_WORKERS,
        citus: options.citus ?? settings.CLUSTER_CITUS,
        pooler: options.pooler ?? settings.CLUSTER_POOLER,
        ha: options.ha ?? false,
        log: () => {},
      }),
    );
  } catch (error: unknown) {
    if (!options.keepOnFailure) await remove();
    throw error;
  }
  const current = async () => (await readState(dir)) ?? state;
  return {
    url: databaseUrl(state),
    functionsUrl: functionsDatabaseUrl(state),
    pooler: describePooler(state),
    workers: async () => {
      const { DATABASE_URL: _coordinator, ...workers } = setupEnvironment(await current());
      return workers;
    },
    remove,
    local: { dir, state: current },
  };
}

async function onNode(url: string, statements: string[]): Promise<void> {
  const session = openBulkSession(url, { applicationName: 'distribushop-scratch' });
  try {
    for (const statement of statements) await session.query(statement);
  } finally {
    await session.end();
  }
}

/**
 * DROP DATABASE ... WITH (FORCE) ends the database's connections but gives them five seconds
 * to go; on a busy machine some take longer, and the drop fails with object_in_use. Ask again.
 */
async function dropDatabase(maintenanceUrl: string, ident: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await onNode(maintenanceUrl, [`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`]);
      return;
    } catch (error: unknown) {
      if (attempt >= 5 || (error as { code?: unknown }).code !== '55006') throw error;
      await sleep(1000);
    }
  }
}

/** Database `name` made afresh on every node of the cluster at `baseUrl` (its nodes from `pg_dist_node`). */
async function makeDatabase(baseUrl: string, name: string): Promise<Started> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name "${name}" is not a plain name`);
  const base = openBulkSession(baseUrl, { applicationName: 'distribushop-scratch' });
  let citus: boolean;
  let workers: { host: string; port: number }[] = [];
  try {
    citus = (await base.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'")).length > 0;
    if (citus) {
      workers = await base.query<{ host: string; port: number }>(
        `SELECT nodename AS host, nodeport::int AS port FROM pg_dist_node
          WHERE groupid <> 0 AND noderole = 'primary' ORDER BY nodeid`,
      );
    }
  } finally {
    await base.end();
  }
  const coordinator = new URL(baseUrl);
  const nodes = [{ host: coordinator.hostname, port: Number(coordinator.port || 5432) }, ...workers].map(
    (n) => ({
      maintenance: withDatabase(baseUrl, 'postgres', n.host, n.port),
      target: withDatabase(baseUrl, name, n.host, n.port),
    }),
  );
  const ident = quoteIdentifier(name);
  const remove = async () => {
    for (const node of nodes) await dropDatabase(node.maintenance, ident);
  };
  await remove();
  for (const node of nodes) {
    await onNode(node.maintenance, [`CREATE DATABASE ${ident}`]);
    if (citus) await onNode(node.target, ['CREATE EXTENSION IF NOT EXISTS citus']);
  }
  const url = withDatabase(baseUrl, name);
  return {
    url,
    functionsUrl: url,
    pooler: 'the functions connect to the coordinator directly',
    workers: async () => ({ WORKER_HOSTS: workers.map((w) => `${w.host}:${w.port}`).join(',') }),
    remove,
  };
}

/** Starts a throwaway cluster (or, with `on`, makes a database on a running one) and sets it up. */
export async function startThrowaway(options: ThrowawayOptions & { on?: undefined }): Promise<LocalThrowaway>;
export async function startThrowaway(options: ThrowawayOptions): Promise<Throwaway>;
export async function startThrowaway(options: ThrowawayOptions): Promise<Throwaway> {
  const env = options.env ?? process.env;
  const started = options.on
    ? await makeDatabase(options.on, options.database)
    : await startLocal(options, env);
  const config = async (extra: NodeJS.ProcessEnv = {}) =>
    loadConfig({
      ...env,
      DATABASE_URL: started.url,
      WORKER_HOSTS: '',
      WORKER_SERVICE: '',
      EXPECTED_WORKERS: '',
      ...(await started.workers()),
      ...extra,
    });
  // Made now, connected on first use: the shard count below, and a test's operator work.
  const db = operatorDb(await config(), { name: 'distribushop-test-operator' });
  let summary: SetupSummary;
  try {
    if (options.shardCount !== undefined) {
      await db.query(
        `ALTER DATABASE ${quoteIdentifier(options.database)} SET citus.shard_count = ${Number(options.shardCount)}`,
      );
    }
    summary = await setupCluster(await config());
  } catch (error: unknown) {
    await db.close();
    if (!options.keepOnFailure) await started.remove().catch(() => {});
    throw new Error(`setup of the throwaway database ${options.database} failed: ${String(error)}`, {
      cause: error,
    });
  }
  return {
    url: started.url,
    functionsUrl: started.functionsUrl,
    pooler: started.pooler,
    citus: summary.mode === 'citus',
    summary,
    env: { DATABASE_URL: started.url, ...(await started.workers()) },
    db,
    config,
    setup: async (extra) => setupCluster(await config(extra)),
    async destroy() {
      try {
        await db.close();
      } finally {
        await started.remove();
      }
    },
    ...started.local,
  };
}
