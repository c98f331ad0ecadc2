/**
 * A throwaway database on the cluster the tests (or a benchmark) already run against, so
 * that seeding, which truncates, never touches the shared test database other test files
 * are writing to.
 *
 * Citus keeps one cluster's metadata per database, and this Citus does not propagate
 * CREATE DATABASE, so the database is created on the coordinator and on every worker,
 * the extension is created in each, and setup (with a database value of its own, so the
 * request path's default database keeps pointing at the shared database) registers the
 * workers and applies the SQL bundle, exactly as for a new cluster. On plain PostgreSQL
 * it is one database on the one node.
 */
import { setupCluster } from '../../lib/cluster/setup';
import { loadConfig } from '../../lib/config';
import { openBulkSession, quoteIdentifier } from '../../lib/db/copy';

export interface ScratchDatabase {
  /** Connection URL of the new database on the coordinator. */
  url: string;
  citus: boolean;
  /** Drops the database on every node. */
  drop(): Promise<void>;
}

/** The same URL with another database name (and, when given, another host and port). */
export function withDatabase(url: string, database: string, host?: string, port?: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (host !== undefined) parsed.hostname = host;
  if (port !== undefined) parsed.port = String(port);
  return parsed.toString();
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
 * Creates (or re-creates) database `name` on the cluster behind `baseUrl` and sets it up.
 * The cluster's nodes are read from the base database's `pg_dist_node`.
 */
export async function createScratchDatabase(baseUrl: string, name: string): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`scratch database name "${name}" is not a plain name`);
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
  const drop = async () => {
    for (const node of nodes)
      await onNode(node.maintenance, [`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`]);
  };
  await drop();
  for (const node of nodes) {
    await onNode(node.maintenance, [`CREATE DATABASE ${ident}`]);
    if (citus) await onNode(node.target, ['CREATE EXTENSION IF NOT EXISTS citus']);
  }
  const url = withDatabase(baseUrl, name);
  try {
    await setupCluster(
      loadConfig({
        ...process.env,
        DATABASE_URL: url,
        WORKER_HOSTS: workers.map((w) => `${w.host}:${w.port}`).join(','),
        WORKER_SERVICE: '',
        EXPECTED_WORKERS: String(workers.length),
      }),
    );
  } catch (error: unknown) {
    await drop().catch(() => {});
    throw new Error(`setup of scratch database ${name} failed: ${String(error)}`, { cause: error });
  }
  return { url, citus, drop };
}
