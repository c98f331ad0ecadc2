/** The checks that say the cluster holds the distributed schema the bundle intends. */

import { allTables, DISTRIBUTED_TABLES, REFERENCE_TABLES } from '../db/catalog';
import type { ClusterMode, ClusterNode, ShardPlacement, TableDistribution } from './inspect';
import type { RebalanceStatus } from './rebalance';

export interface SetupCheck {
  name: string;
  /** `warn`: not broken, but not finished either (a rebalance under way). */
  level: 'ok' | 'warn' | 'fail';
  detail: string;
}

const level = (ok: boolean): SetupCheck['level'] => (ok ? 'ok' : 'fail');

export function verify(
  mode: ClusterMode,
  expectedWorkers: number,
  workers: ClusterNode[],
  tables: TableDistribution[],
  placements: ShardPlacement[],
  rebalance?: RebalanceStatus,
): SetupCheck[] {
  const byName = new Map(tables.map((t) => [t.table, t]));
  const checks: SetupCheck[] = [];
  const missing = allTables().filter((t) => !byName.has(t));
  checks.push({
    name: 'every table exists',
    level: level(missing.length === 0),
    detail: missing.length ? `missing: ${missing.join(', ')}` : `${byName.size} tables`,
  });
  if (mode === 'plain') return checks;

  checks.push({
    name: 'active workers',
    level: level(workers.length >= Math.max(1, expectedWorkers)),
    detail: `${workers.length} active, ${expectedWorkers || 'at least 1'} expected`,
  });
  const wrongRef = REFERENCE_TABLES.filter((t) => byName.get(t)?.kind !== 'reference');
  checks.push({
    name: 'reference tables',
    level: level(wrongRef.length === 0),
    detail: wrongRef.length ? `not reference: ${wrongRef.join(', ')}` : REFERENCE_TABLES.join(', '),
  });
  const wrongDist = DISTRIBUTED_TABLES.filter(
    (t) =>
      byName.get(t.table)?.kind !== 'distributed' || byName.get(t.table)?.distributionColumn !== t.column,
  ).map((t) => t.table);
  checks.push({
    name: 'distributed by tenant',
    level: level(wrongDist.length === 0),
    detail: wrongDist.length
      ? `not distributed by tenant: ${wrongDist.join(', ')}`
      : `${DISTRIBUTED_TABLES.length} tables`,
  });
  const groups = new Set(DISTRIBUTED_TABLES.map((t) => byName.get(t.table)?.colocationId));
  checks.push({
    name: 'one co-location group',
    level: level(groups.size === 1),
    detail: `co-location ids: ${[...groups].join(', ')}`,
  });
  const withShards = new Set(placements.filter((p) => p.shards > 0).map((p) => `${p.host}:${p.port}`));
  const empty = workers.filter((w) => w.shouldHaveShards && !withShards.has(`${w.host}:${w.port}`));
  const spread = placements.map((p) => `${p.host}:${p.port}=${p.shards}`).join(' ');
  const names = empty.map((w) => `${w.host}:${w.port}`).join(', ');
  if (workers.length === 0) {
    checks.push({ name: 'shards on every worker', level: 'fail', detail: 'no active worker' });
  } else if (empty.length === 0) {
    checks.push({ name: 'shards on every worker', level: 'ok', detail: spread });
  } else if (rebalance?.running) {
    // Shards are on their way to the new workers: the cluster serves meanwhile.
    checks.push({
      name: 'shards on every worker',
      level: 'warn',
      detail: `no shards on ${names} yet: rebalance job ${rebalance.jobId} is moving them (${rebalance.tasksDone}/${rebalance.tasksTotal} moves done)`,
    });
  } else {
    checks.push({
      name: 'shards on every worker',
      level: 'warn',
      detail: `no shards on ${names}: a rebalance is needed (npm run cluster -- rebalance)`,
    });
  }
  return checks;
}
