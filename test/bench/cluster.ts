/**
 * The cluster a benchmark runs against: DATABASE_URL's, or, when that is unset, a
 * throwaway local cluster (fsync off, PgBouncer in front when installed) started in a
 * temporary directory, set up, and removed at the end (test/support/throwaway-cluster.ts).
 */
import os from 'node:os';
import { loadBenchConfig } from '../../lib/config';
import { openBulkSession } from '../../lib/db/copy';
import { startThrowaway } from '../support/throwaway-cluster';

export interface BenchCluster {
  /** The coordinator, direct. */
  url: string;
  /** Where the functions connect: PgBouncer when the throwaway cluster has one, else `url`. */
  functionsUrl: string;
  /** How the functions reach the coordinator, in words. */
  pooler: string;
  stop(): Promise<void>;
}

/** `ha`: a throwaway cluster in the high-availability mode (each group a primary with a synchronous standby). */
export async function benchCluster(opts: { ha?: boolean } = {}): Promise<BenchCluster> {
  const given = loadBenchConfig();
  if (given.DATABASE_URL) {
    return {
      url: given.DATABASE_URL,
      functionsUrl: given.FUNCTIONS_DATABASE_URL ?? given.DATABASE_URL,
      pooler: given.FUNCTIONS_DATABASE_URL
        ? `the functions use FUNCTIONS_DATABASE_URL`
        : 'the functions connect to DATABASE_URL directly',
      stop: async () => {},
    };
  }
  console.log(
    `no DATABASE_URL: starting a throwaway cluster${opts.ha ? ' in the high-availability mode' : ''}`,
  );
  const cluster = await startThrowaway({ database: 'distribushop', ha: opts.ha });
  console.log(`started a throwaway cluster in ${cluster.dir}`);
  return {
    url: cluster.url,
    functionsUrl: cluster.functionsUrl,
    pooler: cluster.pooler,
    stop: cluster.destroy,
  };
}

/** "Citus 13.0-1 on PostgreSQL 15.x, 4 workers, fsync off" (and the synchronous standbys), or the plain equivalent. */
export async function describeDatabase(url: string): Promise<string> {
  const session = openBulkSession(url);
  try {
    const [settings] = await session.query<{
      version: string;
      fsync: string;
      citus: string | null;
      standby: string;
    }>(
      `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
              (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS citus,
              current_setting('synchronous_standby_names') AS standby`,
    );
    const replication = settings?.standby ? ', each node with a synchronous standby' : '';
    const workers = settings?.citus
      ? (await session.query("SELECT 1 FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'")).length
      : 0;
    return settings?.citus
      ? `Citus ${settings.citus} on PostgreSQL ${settings.version}, ${workers} workers, fsync ${settings.fsync}${replication}`
      : `plain PostgreSQL ${settings?.version} (no Citus), fsync ${settings?.fsync}${replication}`;
  } finally {
    await session.end();
  }
}

/** This machine, in one line. */
export function describeMachine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}
