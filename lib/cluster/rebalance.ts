/**
 * Moving shards: Citus's background rebalancer, which moves shards with logical
 * replication (every node runs with wal_level = logical), so the shop keeps serving reads
 * and writes while a tenant's shard group moves. One rebalance at a time, cluster-wide.
 */
import type { Queryable } from '../db';

export interface RebalanceStatus {
  /** A rebalance job is scheduled or running. */
  running: boolean;
  jobId: number | null;
  state: string | null;
  /** Shard moves (tasks) done and in all, for the current or last job. */
  tasksDone: number;
  tasksTotal: number;
  startedAt: string | null;
  finishedAt: string | null;
}

const ACTIVE_STATES = ['scheduled', 'running', 'cancelling', 'failing'];

/** The current rebalance job, or the last one; all zeros when none ever ran. */
export async function rebalanceStatus(database: Queryable): Promise<RebalanceStatus> {
  const { rows } = await database.query<{
    job_id: number;
    state: string;
    started_at: Date | null;
    finished_at: Date | null;
    done: number;
    total: number;
  }>(
    `SELECT j.job_id, j.state::text AS state, j.started_at, j.finished_at,
            count(t.task_id) FILTER (WHERE t.status = 'done')::int AS done,
            count(t.task_id)::int AS total
       FROM pg_dist_background_job j LEFT JOIN pg_dist_background_task t USING (job_id)
      WHERE j.job_type = 'rebalance'
      GROUP BY j.job_id ORDER BY j.job_id DESC LIMIT 1`,
  );
  const job = rows[0];
  if (!job) {
    return {
      running: false,
      jobId: null,
      state: null,
      tasksDone: 0,
      tasksTotal: 0,
      startedAt: null,
      finishedAt: null,
    };
  }
  return {
    running: ACTIVE_STATES.includes(job.state),
    jobId: job.job_id,
    state: job.state,
    tasksDone: job.done,
    tasksTotal: job.total,
    startedAt: job.started_at?.toISOString() ?? null,
    finishedAt: job.finished_at?.toISOString() ?? null,
  };
}

/**
 * How many shard groups the rebalancer would move now (0: balanced). The plan lists every
 * table's shard; co-located shards (a tenant's whole shard group) move together.
 */
export async function plannedMoves(database: Queryable): Promise<number> {
  const { rows } = await database.query<{ n: number }>(
    `SELECT count(DISTINCT (p.sourcename, p.sourceport, p.targetname, p.targetport, s.shardminvalue))::int AS n
       FROM get_rebalance_table_shards_plan() p JOIN pg_dist_shard s USING (shardid)`,
  );
  return rows[0]?.n ?? 0;
}

/** Copies every reference table to every node that lacks it (a worker just added, say). */
async function replicateReferenceTables(database: Queryable): Promise<void> {
  await database.query('SELECT replicate_reference_tables()');
}

export type RebalanceStart =
  | { outcome: 'balanced' }
  | { outcome: 'already-running'; status: RebalanceStatus }
  | { outcome: 'started'; jobId: number; moves: number };

/**
 * Starts the background rebalancer when shards are unevenly placed and none runs; never
 * a second one while one runs. Reference tables are copied to new workers first.
 */
export async function startRebalance(database: Queryable): Promise<RebalanceStart> {
  const status = await rebalanceStatus(database);
  if (status.running) return { outcome: 'already-running', status };
  await replicateReferenceTables(database);
  const moves = await plannedMoves(database);
  if (moves === 0) return { outcome: 'balanced' };
  // shard_transfer_mode 'auto': logical replication (non-blocking) for tables with a
  // primary key, which every table of the bundle has.
  const { rows } = await database.query<{ job_id: number }>('SELECT citus_rebalance_start() AS job_id');
  return { outcome: 'started', jobId: Number(rows[0]?.job_id), moves };
}

/** Waits until no rebalance runs, calling `progress` with each new status; returns the last one. */
export async function waitForRebalance(
  database: Queryable,
  progress: (status: RebalanceStatus) => void = () => {},
  pollMs = 1000,
): Promise<RebalanceStatus> {
  let last = '';
  for (;;) {
    const status = await rebalanceStatus(database);
    const line = `${status.state} ${status.tasksDone}/${status.tasksTotal}`;
    if (line !== last) progress(status);
    last = line;
    if (!status.running) return status;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export function describeRebalance(status: RebalanceStatus): string {
  if (status.jobId === null) return 'no rebalance has run';
  const moves = `${status.tasksDone} of ${status.tasksTotal} shard moves done`;
  return `rebalance job ${status.jobId} ${status.state}: ${moves}`;
}
