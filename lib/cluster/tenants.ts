/**
 * Where a tenant lives, and giving a hot tenant a shard of its own (Citus's tenant
 * isolation), on the least loaded worker where one is less loaded than its own.
 */
import type { Db, Queryable } from '../db';
import { ClusterOperationError, NotFoundError } from '../errors';
import { citusVersion } from './inspect';

export interface TenantPlacement {
  companyId: number;
  shardId: number;
  host: string;
  port: number;
  /** How many tenants' hash values the shard covers: 1 once the tenant is isolated. */
  sharedWith: 'alone' | 'shared';
}

/** Which shard and worker hold a company's rows; null on plain PostgreSQL. */
export async function tenantPlacement(
  database: Queryable,
  companyId: number,
): Promise<TenantPlacement | null> {
  return (await citusVersion(database)) ? placementOf(database, companyId) : null;
}

/** The placement query of `tenantPlacement`, for callers that know the database runs Citus. */
async function placementOf(database: Queryable, companyId: number): Promise<TenantPlacement | null> {
  const { rows } = await database.query<{ shard_id: number; host: string; port: number; alone: boolean }>(
    `SELECT s.shardid AS shard_id, n.nodename AS host, n.nodeport AS port,
            s.shardminvalue = s.shardmaxvalue AS alone
       FROM pg_dist_shard s
       JOIN pg_dist_placement p USING (shardid)
       JOIN pg_dist_node n ON n.groupid = p.groupid AND n.noderole = 'primary'
      WHERE s.shardid = get_shard_id_for_distribution_column('companies', $1::bigint)`,
    [companyId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    companyId,
    shardId: row.shard_id,
    host: row.host,
    port: row.port,
    sharedWith: row.alone ? 'alone' : 'shared',
  };
}

export interface IsolationResult {
  before: TenantPlacement;
  after: TenantPlacement;
  /** False when the tenant already had a shard of its own. */
  isolated: boolean;
  /** The worker the new shard group moved to, when a less loaded one existed. */
  movedTo: string | null;
}

export interface IsolationOptions {
  /**
   * How the split copies: `block_writes` (default) holds writes to the shard group for the
   * seconds the split takes, reads go on; `auto` copies with logical replication, which
   * Citus 13 can leave stalled under concurrent writes (citusdata/citus#6790).
   */
  splitMode?: 'block_writes' | 'auto';
}

/**
 * Splits the company's rows out of its shard group into shards of their own (every
 * co-located table, CASCADE), then moves them to the least loaded worker if that one holds
 * less data than the tenant's own. The move copies with logical replication, so the
 * tenant's reads and writes keep working during it.
 */
export async function isolateTenant(
  database: Db,
  companyId: number,
  options: IsolationOptions = {},
): Promise<IsolationResult> {
  if (!(await citusVersion(database))) {
    throw new ClusterOperationError(
      'The database is not distributed (plain PostgreSQL): there is nothing to isolate',
    );
  }
  const exists = await database.query('SELECT 1 FROM companies WHERE id = $1', [companyId]);
  if (!exists.rowCount) throw new NotFoundError(`Company ${companyId} does not exist`);
  const before = (await placementOf(database, companyId)) as TenantPlacement;
  if (before.sharedWith === 'alone') return { before, after: before, isolated: false, movedTo: null };
  await database.query(
    "SELECT isolate_tenant_to_new_shard('companies', $1::bigint, 'CASCADE', shard_transfer_mode => $2::citus.shard_transfer_mode)",
    [companyId, options.splitMode ?? 'block_writes'],
  );
  const isolated = (await placementOf(database, companyId)) as TenantPlacement;
  const { rows } = await database.query<{ host: string; port: number; bytes: string }>(
    `SELECT n.nodename AS host, n.nodeport AS port, coalesce(sum(c.shard_size), 0)::bigint::text AS bytes
       FROM pg_dist_node n LEFT JOIN citus_shards c ON c.nodename = n.nodename AND c.nodeport = n.nodeport
      WHERE n.groupid <> 0 AND n.noderole = 'primary' AND n.isactive AND n.shouldhaveshards
      GROUP BY 1, 2 ORDER BY coalesce(sum(c.shard_size), 0), 1, 2`,
  );
  const own = rows.find((r) => r.host === isolated.host && r.port === isolated.port);
  const lightest = rows[0];
  let movedTo: string | null = null;
  if (lightest && own && BigInt(lightest.bytes) < BigInt(own.bytes)) {
    await database.query(
      "SELECT citus_move_shard_placement($1, $2, $3, $4, $5, shard_transfer_mode => 'auto')",
      [isolated.shardId, isolated.host, isolated.port, lightest.host, lightest.port],
    );
    movedTo = `${lightest.host}:${lightest.port}`;
  }
  const after = (await placementOf(database, companyId)) as TenantPlacement;
  return { before, after, isolated: true, movedTo };
}
