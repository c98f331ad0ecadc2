import type { ClusterNode, TableDistribution } from '../../lib/cluster/inspect';
import { verify } from '../../lib/cluster/verify';
import { DISTRIBUTED_TABLES, REFERENCE_TABLES } from '../../lib/db/catalog';

const worker = (port: number): ClusterNode => ({
  nodeId: port,
  groupId: port,
  host: '10.0.0.1',
  port,
  role: 'worker',
  isActive: true,
  shouldHaveShards: true,
});

const goodTables: TableDistribution[] = [
  ...REFERENCE_TABLES.map((table) => ({
    table,
    kind: 'reference' as const,
    distributionColumn: null,
    colocationId: 1,
    shardCount: 1,
  })),
  ...DISTRIBUTED_TABLES.map((t) => ({
    table: t.table,
    kind: 'distributed' as const,
    distributionColumn: t.column,
    colocationId: 2,
    shardCount: 32,
  })),
];

describe('verify', () => {
  it('should pass a complete cluster', () => {
    const checks = verify('citus', 2, [worker(1), worker(2)], goodTables, [
      { host: '10.0.0.1', port: 1, shards: 10 },
      { host: '10.0.0.1', port: 2, shards: 10 },
    ]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('should fail when a worker is missing, has no shards, or a table is distributed apart', () => {
    const tables = goodTables.map((t) => (t.table === 'orders' ? { ...t, colocationId: 9 } : t));
    const checks = verify('citus', 3, [worker(1), worker(2)], tables, [
      { host: '10.0.0.1', port: 1, shards: 10 },
    ]);
    const failed = checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(['active workers', 'one co-location group', 'shards on every worker']);
  });

  it('should only require the tables on plain PostgreSQL', () => {
    const plain = goodTables.map((t) => ({ ...t, kind: 'plain' as const }));
    expect(verify('plain', 0, [], plain, []).every((c) => c.ok)).toBe(true);
    expect(verify('plain', 0, [], plain.slice(1), []).find((c) => !c.ok)?.detail).toBe('missing: currencies');
  });
});
