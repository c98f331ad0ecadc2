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
    expect(checks.filter((c) => c.level !== 'ok')).toEqual([]);
  });

  it('should fail when a worker is missing or a table is distributed apart', () => {
    const tables = goodTables.map((t) => (t.table === 'orders' ? { ...t, colocationId: 9 } : t));
    const checks = verify('citus', 3, [worker(1), worker(2)], tables, [
      { host: '10.0.0.1', port: 1, shards: 10 },
    ]);
    const failed = checks.filter((c) => c.level === 'fail').map((c) => c.name);
    expect(failed).toEqual(['active workers', 'one co-location group']);
  });

  it('should tell a worker waiting for its shards from a broken cluster', () => {
    const placements = [{ host: '10.0.0.1', port: 1, shards: 10 }];
    const needed = verify('citus', 2, [worker(1), worker(2)], goodTables, placements);
    expect(needed.find((c) => c.name === 'shards on every worker')).toEqual({
      name: 'shards on every worker',
      level: 'warn',
      detail: 'no shards on 10.0.0.1:2: a rebalance is needed (npm run cluster -- rebalance)',
    });
    const moving = verify('citus', 2, [worker(1), worker(2)], goodTables, placements, {
      running: true,
      jobId: 7,
      state: 'running',
      tasksDone: 3,
      tasksTotal: 8,
      startedAt: null,
      finishedAt: null,
    });
    expect(moving.find((c) => c.name === 'shards on every worker')?.detail).toBe(
      'no shards on 10.0.0.1:2 yet: rebalance job 7 is moving them (3/8 moves done)',
    );
    expect(moving.filter((c) => c.level === 'fail')).toEqual([]);
    expect(
      verify('citus', 0, [], goodTables, [])
        .filter((c) => c.level === 'fail')
        .map((c) => c.name),
    ).toEqual(['active workers', 'shards on every worker']);
  });

  it('should only require the tables on plain PostgreSQL', () => {
    const plain = goodTables.map((t) => ({ ...t, kind: 'plain' as const }));
    expect(verify('plain', 0, [], plain, []).every((c) => c.level === 'ok')).toBe(true);
    expect(verify('plain', 0, [], plain.slice(1), []).find((c) => c.level === 'fail')?.detail).toBe(
      'missing: currencies',
    );
  });
});
