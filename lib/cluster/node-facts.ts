/**
 * What the cluster status asks of each node itself: its shards' bytes and its standbys
 * (its walsenders: the high-availability mode gives every node a synchronous one), and a
 * registered node's state, a group being switched over by Patroni among them.
 */
import { type Db, withStatementTimeout } from '../db';

export interface StandbyStatus {
  /** The standby's name (Patroni's member name). */
  name: string;
  /** `streaming`, or `catchup`/`startup` while it joins. */
  state: string;
  /** `sync`: a commit waits for it; `async`, `potential` or `quorum` otherwise. */
  sync: string;
  /** How far its replay is behind the node's WAL, in bytes. */
  lagBytes: number | null;
}

/** The mark Patroni puts on a worker's host name in pg_dist_node while it switches the group over. */
const DEMOTED = '-demoted';

/** A registered node's state, from its entry in pg_dist_node and whether it answered. */
export function nodeState(
  node: { host: string; isActive: boolean },
  answered: boolean,
): 'active' | 'unreachable' | 'inactive' | 'switching' {
  if (node.host.endsWith(DEMOTED)) return 'switching';
  if (!node.isActive) return 'inactive';
  return answered ? 'active' : 'unreachable';
}

/** What each node says of its own standbys (its walsenders). */
const STANDBYS_SQL = `SELECT coalesce(json_agg(json_build_object(
    'name', application_name, 'state', state, 'sync', sync_state,
    'lagBytes', pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) ORDER BY application_name), '[]')
  FROM pg_stat_replication`;

export interface NodeFacts {
  bytes: number;
  standbys: StandbyStatus[];
}

/**
 * Shard bytes and standbys per node, asked of the reachable nodes only (each one sums its
 * own shards and lists its own walsenders), in one round of questions.
 */
export async function nodeFacts(database: Db, nodes: { host: string; port: number }[], ms: number) {
  const facts = new Map<string, NodeFacts>();
  if (nodes.length === 0) return facts;
  const command = `SELECT json_build_object('bytes', (
      SELECT coalesce(sum(pg_total_relation_size(to_regclass(shard_name(s.logicalrelid, s.shardid)))), 0)::bigint
        FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid)
       WHERE p.groupid = (SELECT groupid FROM pg_dist_local_group)),
      'standbys', (${STANDBYS_SQL}))`;
  await withStatementTimeout(database, ms, async (tx) => {
    const { rows } = await tx.query<{ host: string; port: number; success: boolean; result: string }>(
      `SELECT node_name AS host, node_port AS port, success, result
         FROM master_run_on_worker($1::text[], $2::int[], $3::text[], true)`,
      [nodes.map((n) => n.host), nodes.map((n) => n.port), nodes.map(() => command)],
    );
    for (const r of rows) if (r.success) facts.set(`${r.host}:${r.port}`, JSON.parse(r.result) as NodeFacts);
  });
  return facts;
}

/** The standbys of the server `database` is connected to (plain PostgreSQL has no pg_dist_node to ask by). */
export async function connectedServerStandbys(database: Db): Promise<StandbyStatus[]> {
  const { rows } = await database.query<{ standbys: StandbyStatus[] }>(
    `SELECT (${STANDBYS_SQL}) AS standbys`,
  );
  return rows[0]?.standbys ?? [];
}
