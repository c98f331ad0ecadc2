/**
 * A cluster of a test file's own, for tests that stop, freeze, move or add nodes: the
 * shared test cluster serves every other test file at the same time and must not see
 * any of that. Few shards (citus.shard_count, set before setup), so shard moves are quick.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ClusterState,
  databaseUrl,
  optionsFromEnv,
  readState,
  startCluster,
  stopCluster,
  workerHosts,
} from '../../infra/local-cluster';
import { type SetupSummary, setupCluster } from '../../lib/cluster/setup';
import { type Config, loadConfig } from '../../lib/config';
import { createDb, type Db } from '../../lib/db';

export interface DedicatedCluster {
  dir: string;
  url: string;
  /** The launcher's state as it is now (nodes move and are added during a test). */
  state(): ClusterState;
  /** The configuration setup and the functions would get for this cluster now. */
  config(extra?: NodeJS.ProcessEnv): Config;
  /** Runs setup against the cluster as it is now. */
  setup(extra?: NodeJS.ProcessEnv): Promise<SetupSummary>;
  /** A database value on the coordinator without a statement timeout (for operator work), closed by `destroy()`. */
  db: Db;
  destroy(): Promise<void>;
}

export async function startDedicatedCluster(opts: {
  workers: number;
  shardCount: number;
}): Promise<DedicatedCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-dedicated-'));
  const started = await startCluster({
    ...optionsFromEnv(),
    dir,
    port: 0,
    workers: opts.workers,
    citus: 'on',
    database: 'distribushop_dedicated',
    fast: true,
    log: () => {},
  });
  const url = databaseUrl(started);
  const state = () => readState(dir) ?? started;
  const config = (extra: NodeJS.ProcessEnv = {}) =>
    loadConfig({
      ...process.env,
      DATABASE_URL: url,
      WORKER_HOSTS: workerHosts(state()),
      WORKER_SERVICE: '',
      EXPECTED_WORKERS: '',
      ...extra,
    });
  const db = createDb({ ...config(), DB_STATEMENT_TIMEOUT_MS: 0 });
  try {
    await db.query(
      `ALTER DATABASE distribushop_dedicated SET citus.shard_count = ${Number(opts.shardCount)}`,
    );
    await setupCluster(config());
  } catch (error: unknown) {
    await db.close();
    stopCluster(dir, { destroy: true });
    throw error;
  }
  return {
    dir,
    url,
    state,
    config,
    setup: (extra) => setupCluster(config(extra)),
    db,
    async destroy() {
      await db.close();
      stopCluster(dir, { destroy: true });
    },
  };
}
