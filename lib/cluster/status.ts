/**
 * What the cluster is, for an operator (GET /cluster, `npm run cluster -- status`): the
 * coordinator and each worker with its state, shard count and data size; the tables with
 * their shard counts and co-location; the largest tenants and where each lives; any
 * rebalance or other shard operation in progress.
 *
 * It answers within a few seconds even when a worker is down or hung: the workers are
 * asked first, all at once and each with a short timeout, and only the ones that answer
 * are asked for their data sizes. What cannot be known now is said, not guessed.
 */
import { type Db, type Queryable, withStatementTimeout } from '../db';
import { messageOf } from '../db/errors';
import { formatBytes as bytes } from '../format';
import {
  type ClusterMode,
  citusVersion,
  formatTables,
  listNodes,
  listTables,
  type TableDistribution,
  unreachableWorkers,
} from './inspect';
import {
  connectedServerStandbys,
  type NodeFacts,
  nodeFacts,
  nodeState,
  type StandbyStatus,
} from './node-facts';
import { type RebalanceStatus, rebalanceStatus } from './rebalance';

export interface NodeStatus {
  host: string;
  port: number;
  role: 'coordinator' | 'worker';
  /**
   * `inactive`: registered but disabled in Citus's metadata; `switching`: Patroni is
   * switching the node's group over to its standby (it marks the entry `<host>-demoted`
   * while it does).
   */
  state: 'active' | 'unreachable' | 'inactive' | 'switching';
  /** Placements of distributed-table shards on the node. */
  shards: number;
  /** Bytes of the node's shards (distributed and reference), or null when the node could not be asked. */
  dataBytes: number | null;
  /**
   * The node's standbys as it streams to them (`pg_stat_replication`): the high-availability
   * mode gives every node one, synchronous; empty when it has none or could not be asked.
   */
  standbys: StandbyStatus[];
}

export interface TenantStatus {
  companyId: number;
  name: string | null;
  /** Bytes of the tenant's rows across the tenant tables (or, from Citus's tenant statistics, null). */
  dataBytes: number | null;
  /** Queries in Citus's tenant statistics' current period, when those are on. */
  queries: number | null;
  shardId: number;
  host: string;
  port: number;
}

export interface ShardOperation {
  /** What runs: a rebalancer move, a tenant isolation, a shard move or split. */
  kind: 'rebalance-move' | 'isolate-tenant' | 'move-shard' | 'split-shard';
  detail: string;
  startedAt: string | null;
}

export interface ClusterStatus {
  mode: ClusterMode;
  citusVersion: string | null;
  /** A sentence for people: distributed or not, and anything degraded. */
  summary: string;
  nodes: NodeStatus[];
  tables: TableDistribution[];
  largestTenants: TenantStatus[];
  /** Where the tenant figures come from, or why there are none. */
  tenantsSource: 'citus_stat_tenants' | 'row sizes' | string;
  rebalance: RebalanceStatus | null;
  operations: ShardOperation[];
}

export interface StatusOptions {
  /** How many tenants to list (default 10). */
  tenants?: number;
  /** The longest any one question to the workers may take, in ms (default 1200). */
  nodeTimeoutMs?: number;
}

interface PlacementRow {
  host: string;
  port: number;
  shards: number;
}

/**
 * Bytes per company over every tenant table (the catalogue's DISTRIBUTED_TABLES; a unit
 * test keeps the two in step): one query, each shard group summing its own rows. Spelled
 * out, so that no SQL text on the request path is built at run time.
 */
export const TENANT_SIZES_SQL = `
  SELECT company_id, sum(bytes)::bigint AS bytes FROM (
    SELECT id AS company_id, sum(pg_column_size(x.*))::bigint AS bytes FROM companies x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM campaigns x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM ads x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM clicks x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM impressions x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM products x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM customers x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM orders x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM order_items x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM idempotency_keys x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM api_keys x GROUP BY 1
    UNION ALL SELECT company_id, sum(pg_column_size(x.*))::bigint FROM ad_stats_daily x GROUP BY 1
  ) t GROUP BY company_id ORDER BY 2 DESC, 1 LIMIT $1`;

async function tenantsBySize(tx: Queryable, limit: number) {
  const { rows } = await tx.query<{ company_id: number; bytes: number }>(TENANT_SIZES_SQL, [limit]);
  return rows.map((r) => ({ companyId: r.company_id, dataBytes: Number(r.bytes), queries: null }));
}

/** Citus's own tenant statistics (citus.stat_tenants_track = 'all'), busiest first. */
async function tenantsByStatistics(tx: Queryable, limit: number) {
  const { rows } = await tx.query<{ company_id: string; queries: number }>(
    `SELECT tenant_attribute AS company_id, (read_count_in_this_period + query_count_in_this_period)::int AS queries
       FROM citus_stat_tenants ORDER BY 2 DESC LIMIT $1`,
    [limit],
  );
  return rows
    .filter((r) => /^\d+$/.test(r.company_id))
    .map((r) => ({ companyId: Number(r.company_id), dataBytes: null, queries: r.queries }));
}

async function placeTenants(
  database: Queryable,
  found: { companyId: number; dataBytes: number | null; queries: number | null }[],
): Promise<TenantStatus[]> {
  if (found.length === 0) return [];
  const { rows } = await database.query<{
    company_id: number;
    shard_id: number;
    host: string;
    port: number;
  }>(
    `SELECT c.id AS company_id, s.shardid AS shard_id, n.nodename AS host, n.nodeport AS port
       FROM unnest($1::bigint[]) AS c(id)
       JOIN pg_dist_shard s ON s.shardid = get_shard_id_for_distribution_column('companies', c.id)
       JOIN pg_dist_placement p USING (shardid)
       JOIN pg_dist_node n ON n.groupid = p.groupid AND n.noderole = 'primary'`,
    [found.map((t) => t.companyId)],
  );
  const names = await database
    .query<{ id: number; name: string }>('SELECT id, name FROM companies WHERE id = ANY($1::bigint[])', [
      found.map((t) => t.companyId),
    ])
    .then(
      (r) => new Map(r.rows.map((c) => [c.id, c.name])),
      () => new Map<number, string>(),
    );
  return found.flatMap((t) => {
    const where = rows.find((r) => r.company_id === t.companyId);
    return where
      ? [
          {
            ...t,
            name: names.get(t.companyId) ?? null,
            shardId: where.shard_id,
            host: where.host,
            port: where.port,
          },
        ]
      : [];
  });
}

/** Shard moves, splits and isolations running now (the rebalancer's, or an operator's). */
async function shardOperations(database: Queryable): Promise<ShardOperation[]> {
  const { rows } = await database.query<{ query: string; started: Date | null }>(
    `SELECT query, query_start AS started FROM pg_stat_activity
      WHERE pid <> pg_backend_pid() AND state = 'active'
        AND query ~* '(isolate_tenant_to_new_shard|citus_move_shard_placement|citus_split_shard_by_split_points)'`,
  );
  return rows.map((r) => {
    const kind: ShardOperation['kind'] = /isolate_tenant_to_new_shard/i.test(r.query)
      ? 'isolate-tenant'
      : /citus_split_shard/i.test(r.query)
        ? 'split-shard'
        : /Citus Background Task|rebalance/i.test(r.query)
          ? 'rebalance-move'
          : 'move-shard';
    return {
      kind,
      detail: r.query.replace(/\s+/g, ' ').slice(0, 200),
      startedAt: r.started?.toISOString() ?? null,
    };
  });
}

/** The cluster as it is now; see the module's comment. */
export async function clusterStatus(database: Db, options: StatusOptions = {}): Promise<ClusterStatus> {
  const limit = options.tenants ?? 10;
  const nodeMs = options.nodeTimeoutMs ?? 1200;
  const version = await citusVersion(database);
  const mode: ClusterMode = version ? 'citus' : 'plain';
  const tables = await listTables(mode, database);
  if (mode === 'plain') {
    const tenants = await withStatementTimeout(database, nodeMs * 2, (tx) => tenantsBySize(tx, limit)).catch(
      () => [],
    );
    const { rows } = await database.query<{ bytes: string }>(
      'SELECT pg_database_size(current_database()) AS bytes',
    );
    const url = await database.query<{ host: string | null; port: number }>(
      "SELECT inet_server_addr()::text AS host, current_setting('port')::int AS port",
    );
    return {
      mode,
      citusVersion: null,
      summary: 'Not distributed: plain PostgreSQL, one node, no shards (install Citus for a cluster)',
      nodes: [
        {
          host: url.rows[0]?.host ?? 'localhost',
          port: url.rows[0]?.port ?? 5432,
          role: 'coordinator',
          state: 'active',
          shards: 0,
          dataBytes: Number(rows[0]?.bytes ?? 0),
          standbys: await connectedServerStandbys(database).catch(() => []),
        },
      ],
      tables,
      largestTenants: tenants.map((t) => ({ ...t, name: null, shardId: 0, host: 'local', port: 0 })),
      tenantsSource: 'row sizes',
      rebalance: null,
      operations: [],
    };
  }

  const nodes = await listNodes(database);
  const workers = nodes.filter((n) => n.role === 'worker');
  const unreachable = new Set(
    await unreachableWorkers(
      database,
      workers.filter((w) => w.isActive),
      nodeMs,
    ),
  );
  const { rows: placements } = await database.query<PlacementRow>(
    `SELECT n.nodename AS host, n.nodeport AS port, count(p.shardid)::int AS shards
       FROM pg_dist_node n
       LEFT JOIN pg_dist_placement p ON p.groupid = n.groupid
        AND p.shardid IN (SELECT s.shardid FROM pg_dist_shard s JOIN pg_dist_partition t USING (logicalrelid)
                           WHERE t.partmethod = 'h')
      WHERE n.noderole = 'primary' GROUP BY 1, 2`,
  );
  const reachable = nodes.filter(
    (n) => n.role === 'coordinator' || (n.isActive && !unreachable.has(`${n.host}:${n.port}`)),
  );
  // The coordinator is among the nodes asked: its bytes and standbys come in the same round.
  const facts = await nodeFacts(database, reachable, nodeMs).catch(() => new Map<string, NodeFacts>());
  const nodeStatus: NodeStatus[] = nodes.map((n) => {
    const key = `${n.host}:${n.port}`;
    return {
      host: n.host,
      port: n.port,
      role: n.role,
      state: nodeState(n, !unreachable.has(key)),
      shards: placements.find((p) => p.host === n.host && p.port === n.port)?.shards ?? 0,
      dataBytes: facts.get(key)?.bytes ?? null,
      standbys: facts.get(key)?.standbys ?? [],
    };
  });

  let tenantsSource: string;
  let found: { companyId: number; dataBytes: number | null; queries: number | null }[] = [];
  if (unreachable.size > 0) {
    tenantsSource = `unavailable while ${[...unreachable].join(', ')} cannot be reached`;
  } else {
    try {
      const tracking = await database.query<{ track: string }>(
        "SELECT current_setting('citus.stat_tenants_track', true) AS track",
      );
      if (tracking.rows[0]?.track === 'all') {
        found = await withStatementTimeout(database, nodeMs, (tx) => tenantsByStatistics(tx, limit));
        tenantsSource = 'citus_stat_tenants';
      } else {
        found = await withStatementTimeout(database, nodeMs * 2, (tx) => tenantsBySize(tx, limit));
        tenantsSource = 'row sizes';
      }
    } catch (error: unknown) {
      tenantsSource = `unavailable: ${messageOf(error)}`;
    }
  }
  const largestTenants = await placeTenants(database, found);
  const rebalance = await rebalanceStatus(database);
  const operations = await shardOperations(database);
  const down = nodeStatus.filter((n) => n.state === 'unreachable').map((n) => `${n.host}:${n.port}`);
  const switching = nodeStatus.filter((n) => n.state === 'switching').map((n) => `${n.host}:${n.port}`);
  const active = nodeStatus.filter((n) => n.role === 'worker' && n.state === 'active').length;
  const alone = nodeStatus.filter((n) => n.state === 'active' && !n.standbys.some((b) => b.sync === 'sync'));
  const replicated = nodeStatus.some((n) => n.standbys.length > 0);
  const summary =
    `Citus ${version}: coordinator and ${workers.length} workers, ${active} answering` +
    (replicated
      ? alone.length
        ? `; WITHOUT A SYNCHRONOUS STANDBY: ${alone.map((n) => `${n.host}:${n.port}`).join(', ')}`
        : '; every node with a synchronous standby'
      : '') +
    (down.length ? `; DEGRADED: ${down.join(', ')} cannot be reached (their tenants get 503)` : '') +
    (switching.length ? `; SWITCHING OVER: ${switching.join(', ')} (Patroni is promoting the standby)` : '') +
    (rebalance.running
      ? `; rebalance job ${rebalance.jobId} running (${rebalance.tasksDone}/${rebalance.tasksTotal} moves)`
      : '');
  return {
    mode,
    citusVersion: version,
    summary,
    nodes: nodeStatus,
    tables,
    largestTenants,
    tenantsSource,
    rebalance,
    operations,
  };
}

/** The status for people, as `npm run cluster -- status` prints it. */
export function formatClusterStatus(s: ClusterStatus): string {
  const lines = [s.summary, '', 'Nodes:'];
  for (const n of s.nodes) {
    lines.push(
      `  ${n.role.padEnd(11)} ${`${n.host}:${n.port}`.padEnd(28)} ${n.state.padEnd(11)} ${String(n.shards).padStart(4)} shards  ${bytes(n.dataBytes)}`,
    );
    for (const b of n.standbys) {
      const lag = b.lagBytes === null ? 'lag unknown' : `${bytes(b.lagBytes)} behind`;
      lines.push(`    standby ${b.name} ${b.state}, ${b.sync}, ${lag}`);
    }
  }
  lines.push('', 'Tables:');
  lines.push(...formatTables(s.tables));
  lines.push('', `Largest tenants (${s.tenantsSource}):`);
  for (const t of s.largestTenants) {
    const size = t.dataBytes !== null ? bytes(t.dataBytes) : `${t.queries} queries`;
    lines.push(
      `  company ${String(t.companyId).padEnd(8)} ${(t.name ?? '').slice(0, 28).padEnd(28)} ${size.padStart(10)}  shard ${t.shardId} on ${t.host}:${t.port}`,
    );
  }
  if (s.largestTenants.length === 0) lines.push('  (none)');
  if (s.rebalance) {
    lines.push(
      '',
      `Rebalance: ${s.rebalance.jobId === null ? 'none has run' : `job ${s.rebalance.jobId} ${s.rebalance.state}, ${s.rebalance.tasksDone}/${s.rebalance.tasksTotal} moves`}`,
    );
  }
  for (const op of s.operations) lines.push(`Running: ${op.kind} since ${op.startedAt}: ${op.detail}`);
  return lines.join('\n');
}
