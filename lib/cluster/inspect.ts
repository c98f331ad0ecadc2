/**
 * Cluster facts read from the coordinator: whether Citus is there, its nodes, how each
 * table is distributed, and where the shards are. Every caller that needs to know about
 * nodes, shards or tables asks here.
 */
import { type Db, db, type Queryable, withStatementTimeout } from '../db';

export type ClusterMode = 'citus' | 'plain';

export interface ClusterNode {
  nodeId: number;
  groupId: number;
  host: string;
  port: number;
  role: 'coordinator' | 'worker';
  isActive: boolean;
  shouldHaveShards: boolean;
}

export interface TableDistribution {
  table: string;
  /** `distributed`, `reference`, `local` (Citus), or `plain` (no Citus). */
  kind: 'distributed' | 'reference' | 'local' | 'plain';
  distributionColumn: string | null;
  colocationId: number | null;
  shardCount: number;
}

export interface ShardPlacement {
  host: string;
  port: number;
  shards: number;
}

/** The installed Citus version, or null on plain PostgreSQL. */
export async function citusVersion(runner: Queryable = db()): Promise<string | null> {
  const { rows } = await runner.query<{ version: string }>(
    "SELECT extversion AS version FROM pg_extension WHERE extname = 'citus'",
  );
  return rows[0]?.version ?? null;
}

export async function listNodes(runner: Queryable = db()): Promise<ClusterNode[]> {
  const { rows } = await runner.query<ClusterNode>(
    `SELECT nodeid AS "nodeId", groupid AS "groupId", nodename AS host, nodeport AS port,
            CASE WHEN groupid = 0 THEN 'coordinator' ELSE 'worker' END AS role,
            isactive AS "isActive", shouldhaveshards AS "shouldHaveShards"
       FROM pg_dist_node WHERE noderole = 'primary' ORDER BY groupid, nodeid`,
  );
  return rows;
}

export async function activeWorkers(runner: Queryable = db()): Promise<ClusterNode[]> {
  return (await listNodes(runner)).filter((n) => n.role === 'worker' && n.isActive);
}

export async function listTables(mode: ClusterMode, runner: Queryable = db()): Promise<TableDistribution[]> {
  if (mode === 'plain') {
    const { rows } = await runner.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'distribushop_migrations'
        ORDER BY 1`,
    );
    return rows.map((r) => ({
      table: r.table,
      kind: 'plain',
      distributionColumn: null,
      colocationId: null,
      shardCount: 1,
    }));
  }
  // From the metadata alone: the citus_tables view also measures every table on every
  // worker, which waits on a worker that does not answer.
  const { rows } = await runner.query<TableDistribution>(
    `SELECT p.logicalrelid::regclass::text AS table,
            CASE WHEN p.partmethod = 'h' THEN 'distributed' WHEN p.repmodel = 't' THEN 'reference' ELSE 'local' END AS kind,
            CASE WHEN p.partmethod = 'h' THEN column_to_column_name(p.logicalrelid, p.partkey) END AS "distributionColumn",
            p.colocationid AS "colocationId",
            (SELECT count(*)::int FROM pg_dist_shard s WHERE s.logicalrelid = p.logicalrelid) AS "shardCount"
       FROM pg_dist_partition p ORDER BY 1`,
  );
  return rows;
}

/** The tables as lines for people: each one's kind, and how a distributed one is split. */
export function formatTables(tables: TableDistribution[]): string[] {
  return tables.map((t) => {
    const how =
      t.kind === 'distributed'
        ? `distributed by ${t.distributionColumn}, ${t.shardCount} shards, co-location ${t.colocationId}`
        : t.kind;
    return `  ${t.table.padEnd(18)} ${how}`;
  });
}

/** Shards of distributed tables per node. */
export async function shardPlacements(runner: Queryable = db()): Promise<ShardPlacement[]> {
  const { rows } = await runner.query<ShardPlacement>(
    `SELECT nodename AS host, nodeport AS port, count(*)::int AS shards
       FROM citus_shards WHERE citus_table_type = 'distributed'
      GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows;
}

export interface HealthReport {
  /** `degraded`: the coordinator answers, but a worker does not (its tenants get 503). */
  status: 'ok' | 'degraded';
  database: ClusterMode;
  citusVersion: string | null;
  activeWorkers: number;
  /** Active workers the coordinator cannot reach now, as host:port. */
  unreachableWorkers: string[];
}

/**
 * The active workers the coordinator cannot reach now, as host:port: each is asked for
 * one `SELECT 1` from the coordinator, all at once, each given at most `timeoutMs`.
 */
export async function unreachableWorkers(
  database: Db,
  workers: ClusterNode[],
  timeoutMs = 1500,
): Promise<string[]> {
  const answers = await Promise.all(
    workers.map((w) =>
      withStatementTimeout(database, timeoutMs, (tx) =>
        tx.query<{ ok: boolean }>('SELECT citus_check_connection_to_node($1, $2) AS ok', [w.host, w.port]),
      ).then(
        ({ rows }) => rows[0]?.ok === true,
        // A hung worker: the timeout ended the check.
        () => false,
      ),
    ),
  );
  return workers.filter((_, i) => !answers[i]).map((w) => `${w.host}:${w.port}`);
}

/**
 * Database reachable, Citus or plain, how many workers are active and which of them the
 * coordinator cannot reach. Called often, so it stays cheap: two catalogue reads and one
 * `SELECT 1` per worker, all workers at once, each bounded by the request's timeouts.
 * Throws when the coordinator itself is unreachable.
 */
export async function health(database: Db = db()): Promise<HealthReport> {
  const version = await citusVersion(database);
  const workers = version ? await activeWorkers(database) : [];
  const unreachable = version ? await unreachableWorkers(database, workers) : [];
  return {
    status: unreachable.length > 0 ? 'degraded' : 'ok',
    database: version ? 'citus' : 'plain',
    citusVersion: version,
    activeWorkers: workers.length,
    unreachableWorkers: unreachable,
  };
}
