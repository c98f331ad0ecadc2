/**
 * Operator actions on workers that any Citus cluster supports, whatever started it:
 * rebalancing, and removing a worker after moving its shards away (scaling down).
 */
import type { Db } from '../db';
import { ClusterOperationError } from '../errors';
import { listNodes } from './inspect';
import { addressText, type WorkerAddress } from './workers';

/**
 * Moves every shard off `worker` with the rebalancer (non-blocking where it can) and drops
 * the moved shards' old copies, leaving it registered and empty. Refuses a worker that is
 * not registered.
 */
export async function drainWorker(database: Db, worker: WorkerAddress): Promise<{ movedShards: number }> {
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
  const movedShards = before.rows[0]?.n ?? 0;
  // Nothing to move: a worker drained before (whose server may be gone since) is left as it is.
  if (movedShards === 0) return { movedShards };
  // citus_drain_node marks the node as holding no shards and moves its shards to the others.
  await database.query('SELECT citus_drain_node($1, $2)', [worker.host, worker.port]);
  // The moved shards' old copies are dropped later by Citus's deferred cleanup; drop them
  // now, while the worker is still part of the cluster, so it leaves with an empty disk.
  await database.query('CALL citus_cleanup_orphaned_resources()');
  return { movedShards };
}

/**
 * Removes a drained worker's entry from the cluster's metadata (citus_remove_node). One
 * whose server is `gone` is disabled first: citus_remove_node tells every active node
 * that holds the metadata, the removed one among them while it is active, and a node it
 * cannot reach fails the statement.
 */
export async function forgetWorker(
  database: Db,
  worker: WorkerAddress,
  opts: { gone?: boolean } = {},
): Promise<void> {
  if (opts.gone)
    await database.query('SELECT citus_disable_node($1, $2, synchronous := true)', [
      worker.host,
      worker.port,
    ]);
  await database.query('SELECT citus_remove_node($1, $2)', [worker.host, worker.port]);
}

/** Moves every shard off `worker` (drainWorker), then removes it from the cluster: scaling down. */
export async function removeWorker(database: Db, worker: WorkerAddress): Promise<{ movedShards: number }> {
  const drained = await drainWorker(database, worker);
  await forgetWorker(database, worker);
  return drained;
}
