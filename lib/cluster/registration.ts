/**
 * Registering workers: the configured workers against what the coordinator has in
 * pg_dist_node. Each configured address is asked who it is (its Citus group id, which
 * the coordinator gave it when it was added, and its server id), so that setup can tell
 *
 *   - a new worker (group 0, not the coordinator), or one removed earlier (drained,
 *     holding nothing): added;
 *   - a registered worker found at a new address (its group answers elsewhere, as after
 *     a restart that handed out addresses anew): its registration is moved there;
 *   - a registered worker nobody answers for: reported, and removed only when it holds
 *     no shards (a worker with data is never removed without being told to);
 *   - an address that answers as the coordinator, or as a worker that holds shards of a
 *     group unknown here (another cluster's): reported.
 *
 * Setup applies what it can and stops with a message that says exactly what it found and
 * what to do about the rest.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, DbConfig } from '../config';
import type { Db } from '../db';
import { messageOf } from '../db/errors';
import { operatorDb } from '../db/operator';
import { type ClusterNode, listNodes } from './inspect';
import { addressText, type WorkerAddress } from './workers';

/** What an address said when asked who it is. */
export interface NodeIdentity {
  address: WorkerAddress;
  reachable: boolean;
  /** Why it could not be asked. */
  error?: string;
  /** Citus's group id on that server: 0 for a worker never added (and for a coordinator). */
  groupId?: number;
  serverId?: string;
  /**
   * Shard tables on its disk, by its own copy of the metadata: 0 for a new worker and for
   * one drained and cleaned up before it was removed.
   */
  shardTables?: number;
}

export interface RegistrationReport {
  added: WorkerAddress[];
  moved: { from: WorkerAddress; to: WorkerAddress; groupId: number }[];
  /** Registered workers nobody answers for that held no shards. */
  removed: WorkerAddress[];
  /** What setup could not repair: each line says what was found and what to do. */
  problems: string[];
}

/** Asks the server at `address` for its Citus identity, over a connection of its own. */
export async function identify(
  cfg: DbConfig,
  address: WorkerAddress,
  timeoutMs = 3000,
): Promise<NodeIdentity> {
  const node = operatorDb(cfg, {
    name: 'distribushop-setup',
    node: address,
    poolMax: 1,
    connectTimeoutMs: timeoutMs,
    statementTimeoutMs: timeoutMs,
  });
  try {
    const { rows } = await node.query<{ citus: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus",
    );
    if (!rows[0]?.citus) {
      return { address, reachable: false, error: 'the citus extension is not created in its database' };
    }
    const who = await node.query<{ group_id: number; server_id: string; shard_tables: number }>(
      `SELECT g.groupid AS group_id, citus_server_id()::text AS server_id,
              (SELECT count(*)::int FROM pg_dist_shard s
                WHERE to_regclass(shard_name(s.logicalrelid, s.shardid)) IS NOT NULL) AS shard_tables
         FROM pg_dist_local_group g`,
    );
    const row = who.rows[0];
    return {
      address,
      reachable: true,
      groupId: row?.group_id,
      serverId: row?.server_id,
      shardTables: row?.shard_tables,
    };
  } catch (error: unknown) {
    return { address, reachable: false, error: messageOf(error) };
  } finally {
    await node.close();
  }
}

/** Asks an address, again and again for up to `seconds` while it does not answer (a worker still starting). */
async function identifyWithin(cfg: DbConfig, address: WorkerAddress, seconds: number): Promise<NodeIdentity> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = await identify(cfg, address);
    if (found.reachable || Date.now() + 500 > deadline) return found;
    await sleep(500);
  }
}

async function shardsByNode(database: Db): Promise<Map<number, number>> {
  const { rows } = await database.query<{ node_id: number; shards: number }>(
    `SELECT n.nodeid AS node_id, count(p.shardid)::int AS shards
       FROM pg_dist_node n LEFT JOIN pg_dist_placement p ON p.groupid = n.groupid
      GROUP BY n.nodeid`,
  );
  return new Map(rows.map((r) => [r.node_id, r.shards]));
}

const sameAddress = (a: WorkerAddress, b: WorkerAddress) => a.host === b.host && a.port === b.port;
const nodeAddress = (n: ClusterNode): WorkerAddress => ({ host: n.host, port: n.port });

/**
 * Brings pg_dist_node in line with the configured workers: adds new ones, moves the
 * registrations of workers found at new addresses, removes registered workers that are
 * gone and held nothing, and reports everything else.
 */
export async function reconcileWorkers(
  cfg: DbConfig & Pick<Config, 'WORKER_WAIT_SECONDS'>,
  database: Db,
  configured: WorkerAddress[],
): Promise<RegistrationReport> {
  const report: RegistrationReport = { added: [], moved: [], removed: [], problems: [] };
  const registered = (await listNodes(database)).filter((n) => n.role === 'worker');
  const coordinatorId = (
    await database.query<{ server_id: string }>('SELECT citus_server_id()::text AS server_id')
  ).rows[0]?.server_id;

  // Ask the configured addresses, and the registered ones nobody configured (so that a
  // worker left out of the configuration is not mistaken for a lost one).
  // Configured workers get WORKER_WAIT_SECONDS to come up; the others are asked once.
  const unconfigured = registered.map(nodeAddress).filter((r) => !configured.some((c) => sameAddress(c, r)));
  const identities = await Promise.all([
    ...configured.map((address) => identifyWithin(cfg, address, cfg.WORKER_WAIT_SECONDS)),
    ...unconfigured.map((address) => identify(cfg, address)),
  ]);
  const byGroup = new Map<number, NodeIdentity>();
  for (const id of identities) {
    if (id.reachable && id.groupId !== undefined && id.groupId > 0) byGroup.set(id.groupId, id);
  }

  const isForeign = (id: NodeIdentity) =>
    id.groupId !== undefined && id.groupId > 0 && !registered.some((r) => r.groupId === id.groupId);
  for (const id of identities.slice(0, configured.length)) {
    const where = addressText(id.address);
    if (!id.reachable) {
      report.problems.push(
        `worker ${where} did not answer within ${cfg.WORKER_WAIT_SECONDS}s (${id.error}): is it running, and is the name right?`,
      );
    } else if (id.serverId === coordinatorId) {
      report.problems.push(
        `${where} is the coordinator itself, not a worker: take it out of the worker list`,
      );
    } else if (isForeign(id) && (id.shardTables ?? 0) > 0) {
      report.problems.push(
        `${where} was a worker of Citus group ${id.groupId}, which is not registered here, and still holds ` +
          `${id.shardTables} shard tables (another cluster's, or left behind when it was removed). ` +
          'Give it an empty data directory (docs/operations.md: growing, shrinking and breaking it), or leave it out',
      );
    }
  }

  // Registered workers: where is each one's group now?
  const shards = await shardsByNode(database);
  const moves: { node: ClusterNode; to: WorkerAddress }[] = [];
  for (const node of registered) {
    const found = byGroup.get(node.groupId);
    if (found && !sameAddress(found.address, nodeAddress(node))) {
      moves.push({ node, to: found.address });
    } else if (!found) {
      const held = shards.get(node.nodeId) ?? 0;
      const answer = identities.find((i) => sameAddress(i.address, nodeAddress(node)));
      const now = answer?.reachable
        ? `${addressText(nodeAddress(node))} now answers as another server`
        : `${addressText(nodeAddress(node))} does not answer (${answer?.error ?? 'not asked'})`;
      if (held === 0) {
        await database.query('SELECT citus_remove_node($1, $2)', [node.host, node.port]);
        report.removed.push(nodeAddress(node));
      } else {
        report.problems.push(
          `registered worker ${addressText(nodeAddress(node))} (Citus group ${node.groupId}) holds ${held} shard placements, ` +
            `and no configured worker is that server: ${now}. Start it again, or give setup its new address ` +
            '(WORKER_HOSTS or WORKER_SERVICE); its shards exist on that server only, so setup will not remove it',
        );
      }
    }
  }

  // Move registrations in two steps, so that two workers that traded addresses do not
  // collide on pg_dist_node's unique (host, port).
  for (const { node } of moves) {
    await database.query('SELECT citus_update_node($1, $2, $3)', [
      node.nodeId,
      `moving-${node.nodeId}.invalid`,
      node.port,
    ]);
  }
  for (const { node, to } of moves) {
    await database.query('SELECT citus_update_node($1, $2, $3)', [node.nodeId, to.host, to.port]);
    report.moved.push({ from: nodeAddress(node), to, groupId: node.groupId });
  }

  // New workers, and workers removed earlier (drained, so they hold nothing): Citus gives
  // them a new group and their metadata afresh.
  for (const id of identities.slice(0, configured.length)) {
    const fresh = id.groupId === 0 || (isForeign(id) && id.shardTables === 0);
    if (id.reachable && fresh && id.serverId !== coordinatorId) {
      await database.query('SELECT citus_add_node($1, $2)', [id.address.host, id.address.port]);
      report.added.push(id.address);
    }
  }
  return report;
}
