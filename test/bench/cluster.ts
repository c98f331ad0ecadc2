/**
 * The cluster a benchmark runs against: DATABASE_URL's, or, when that is unset, a
 * throwaway local cluster (fsync off, PgBouncer in front when installed) started in a
 * temporary directory, set up, and removed at the end.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ClusterState,
  databaseUrl,
  describePooler,
  functionsDatabaseUrl,
  optionsFromEnv,
  startCluster,
  stopCluster,
  workerHosts,
} from '../../infra/local-cluster';
import { setupCluster } from '../../lib/cluster/setup';
import { loadConfig } from '../../lib/config';
import { openBulkSession } from '../../lib/db/copy';

export interface BenchCluster {
  /** The coordinator, direct. */
  url: string;
  /** Where the functions connect: PgBouncer when the throwaway cluster has one, else `url`. */
  functionsUrl: string;
  /** How the functions reach the coordinator, in words. */
  pooler: string;
  stop(): void;
}

export async function benchCluster(prefix: string): Promise<BenchCluster> {
  const given = process.env.DATABASE_URL;
  if (given) {
    return {
      url: given,
      functionsUrl: process.env.FUNCTIONS_DATABASE_URL || given,
      pooler: process.env.FUNCTIONS_DATABASE_URL
        ? `the functions use FUNCTIONS_DATABASE_URL`
        : 'the functions connect to DATABASE_URL directly',
      stop: () => {},
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  console.log(`no DATABASE_URL: starting a throwaway cluster in ${dir}`);
  let state: ClusterState;
  try {
    state = await startCluster({ ...optionsFromEnv(), dir, port: 0, fast: true, log: () => {} });
    // The launcher starts processes only; setup registers the workers.
    await setupCluster(
      loadConfig({ ...process.env, DATABASE_URL: databaseUrl(state), WORKER_HOSTS: workerHosts(state) }),
    );
  } catch (error: unknown) {
    stopCluster(dir, { destroy: true });
    throw error;
  }
  return {
    url: databaseUrl(state),
    functionsUrl: functionsDatabaseUrl(state),
    pooler: describePooler(state),
    stop: () => stopCluster(dir, { destroy: true }),
  };
}

/** "Citus 13.0-1 on PostgreSQL 15.x, 4 workers, fsync off", or the plain equivalent. */
export async function describeDatabase(url: string): Promise<string> {
  const session = openBulkSession(url);
  try {
    const [settings] = await session.query<{ version: string; fsync: string; citus: string | null }>(
      `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
              (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS citus`,
    );
    const workers = settings?.citus
      ? (await session.query("SELECT 1 FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'")).length
      : 0;
    return settings?.citus
      ? `Citus ${settings.citus} on PostgreSQL ${settings.version}, ${workers} workers, fsync ${settings.fsync}`
      : `plain PostgreSQL ${settings?.version} (no Citus), fsync ${settings?.fsync}`;
  } finally {
    await session.end();
  }
}

/** This machine, in one line. */
export function describeMachine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}
