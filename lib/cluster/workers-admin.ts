/**
 * Operator actions on workers that any Citus cluster supports, whatever started it:
 * rebalancing, and removing a worker after moving its shards away (scaling down).
 */
import type { Db } from '../db';
import { ClusterOperationError } from '../errors';
import { listNodes } from './inspect';
import { addressText, type WorkerAddress } from './workers';

/**
 * Moves every shard off `worker` with the rebalancer (non-blocking where it can), then
 * removes it from the cluster. Refuses a worker that is not registered.
 */
export async function removeWorker(database: Db, worker: WorkerAddress): Promise<{ movedShards: number }> {
  const node = (await listNodes(database)).find(
    (n) => n.role === 'worker' && n.host === worker.host && n.port === worker.port,
  );
  if (!node) throw new ClusterOperationError(`${addressText(worker)} is not a registered worker`);
  const before = await database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_dist_placement p JOIN pg_dist_shard s USING (shardid)
       JOIN pg_dist_partition t USING (logicalrelid)
      WHERE p.groupid = $1 AND t.partmethod = 'h'`,
    [node.groupId],
  );
  // citus_drain_node marks the node as holding no shards and moves its shards to the others.
  await database.query('SELECT citus_drain_node($1, $2)', [worker.host, worker.port]);
  // The moved shards' old copies are dropped later by Citus's deferred cleanup; drop them
  // now, while the worker is still part of the cluster, so it leaves with an empty disk.
  await database.query('CALL citus_cleanup_orphaned_resources()');
  await database.query('SELECT citus_remove_node($1, $2)', [worker.host, worker.port]);
  return { movedShards: before.rows[0]?.n ?? 0 };
}
