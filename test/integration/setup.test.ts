import { listTables } from '../../lib/cluster/inspect';
import { setupCluster } from '../../lib/cluster/setup';
import { allTables, DISTRIBUTED_TABLES, REFERENCE_TABLES } from '../../lib/db/catalog';
import { closeDb, query } from '../support/db';
import { describeCitus, describePlain, workerCount } from '../support/tiers';

afterAll(closeDb);

/** Everything setup decides: columns, constraints, indexes, distribution metadata, nodes, migrations. */
async function schemaSnapshot(): Promise<unknown> {
  const columns = await query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
  );
  const constraints = await query(
    `SELECT conrelid::regclass::text AS table, conname, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const indexes = await query(
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
  );
  const migrations = await query(
    'SELECT version, checksum, applied_at FROM distribushop_migrations ORDER BY 1',
  );
  const citus = await query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
  if (citus.rowCount === 0)
    return {
      columns: columns.rows,
      constraints: constraints.rows,
      indexes: indexes.rows,
      migrations: migrations.rows,
    };
  const partitions = await query(
    `SELECT logicalrelid::text AS table, partmethod, colocationid, repmodel,
            column_to_column_name(logicalrelid, partkey) AS column
       FROM pg_dist_partition ORDER BY 1`,
  );
  const nodes = await query(
    'SELECT nodeid, groupid, nodename, nodeport, isactive FROM pg_dist_node ORDER BY nodeid',
  );
  const shards = await query(
    `SELECT s.logicalrelid::text AS table, count(*)::int AS shards
       FROM pg_dist_shard s GROUP BY 1 ORDER BY 1`,
  );
  return {
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
    migrations: migrations.rows,
    partitions: partitions.rows,
    nodes: nodes.rows,
    shards: shards.rows,
  };
}

describe('setup', () => {
  it('should leave the same schema and metadata when applied twice', async () => {
    const before = await schemaSnapshot();
    const again = await setupCluster();
    expect(again.bundle.applied).toEqual([]);
    expect(again.checks.every((c) => c.level === 'ok')).toBe(true);
    expect(await schemaSnapshot()).toEqual(before);
  });

  it('should record every file of the bundle once', async () => {
    const { rows } = await query<{ version: string }>(
      'SELECT version FROM distribushop_migrations ORDER BY 1',
    );
    expect(rows.map((r) => r.version)).toEqual([
      '000_distribution_helpers',
      '001_reference_tables',
      '002_ad_tables',
      '003_shop_tables',
      '004_utc_times_and_stored_responses',
      '005_order_functions',
      '006_ad_stats_rollup',
      '007_api_keys',
      '008_order_outcomes',
    ]);
  });
});

describeCitus('setup on Citus', () => {
  it('should have every configured worker active', async () => {
    const { rows } = await query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_dist_node WHERE groupid <> 0 AND isactive AND noderole = 'primary'",
    );
    expect(rows[0]?.n).toBe(workerCount);
    expect(workerCount).toBe(Number(process.env.CLUSTER_WORKERS ?? 4));
  });

  it('should distribute every tenant table by its tenant column in one co-location group', async () => {
    const { rows } = await query<{ table: string; partmethod: string; column: string; colocationid: number }>(
      `SELECT logicalrelid::text AS table, partmethod, column_to_column_name(logicalrelid, partkey) AS column, colocationid
         FROM pg_dist_partition WHERE partmethod = 'h' ORDER BY 1`,
    );
    const expected = [...DISTRIBUTED_TABLES].sort((a, b) => a.table.localeCompare(b.table));
    expect(rows.map((r) => ({ table: r.table, column: r.column }))).toEqual(
      expected.map((t) => ({ table: t.table, column: t.column })),
    );
    expect(new Set(rows.map((r) => r.colocationid)).size).toBe(1);
  });

  it('should place reference tables on every node', async () => {
    const { rows } = await query<{ table: string; nodes: number }>(
      `SELECT s.logicalrelid::text AS table, count(DISTINCT p.groupid)::int AS nodes
         FROM pg_dist_partition d JOIN pg_dist_shard s USING (logicalrelid) JOIN pg_dist_placement p USING (shardid)
        WHERE d.partmethod = 'n' AND d.repmodel = 't' GROUP BY 1 ORDER BY 1`,
    );
    const nodes = await query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_dist_node WHERE noderole = 'primary'",
    );
    expect(rows.map((r) => r.table)).toEqual([...REFERENCE_TABLES].sort());
    for (const row of rows) expect(row.nodes).toBe(nodes.rows[0]?.n);
  });

  it('should place shards of every distributed table on every worker', async () => {
    const { rows } = await query<{ table: string; workers: number }>(
      `SELECT table_name::text AS table, count(DISTINCT nodeport)::int AS workers
         FROM citus_shards WHERE citus_table_type = 'distributed' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toHaveLength(DISTRIBUTED_TABLES.length);
    for (const row of rows) expect(row.workers).toBe(workerCount);
  });
});

describePlain('setup on plain PostgreSQL', () => {
  it('should apply the same schema undistributed', async () => {
    const citus = await query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
    expect(citus.rowCount).toBe(0);
    const tables = await listTables('plain');
    expect(tables.map((t) => t.table).sort()).toEqual([...allTables()].sort());
    expect(tables.every((t) => t.kind === 'plain')).toBe(true);
  });
});
