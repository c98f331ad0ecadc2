/**
 * The maintenance job: the chores a Citus shop needs now and then, each idempotent, each
 * timed and logged on one line, each run even when another failed. The scheduled
 * `maintenance` function and `npm run maintenance` run it.
 */

import { citusVersion } from '../cluster/inspect';
import { describeRebalance, startRebalance } from '../cluster/rebalance';
import type { Db } from '../db';
import { allTables } from '../db/catalog';
import { messageOf } from '../db/errors';
import { log } from '../log';

export const MAINTENANCE_STEPS = [
  'recover-prepared',
  'rebalance',
  'analyze',
  'purge-idempotency-keys',
  'rollup-ad-stats',
] as const;

export type MaintenanceStep = (typeof MAINTENANCE_STEPS)[number];

export interface StepResult {
  step: MaintenanceStep;
  ok: boolean;
  ms: number;
  /** What the step did, or why it failed. */
  result: string;
}

export interface MaintenanceReport {
  ok: boolean;
  steps: StepResult[];
}

export interface MaintenanceOptions {
  /** The steps to run, in their usual order; default all. */
  only?: readonly MaintenanceStep[];
  /** Tables to ANALYZE; default every table of the schema. */
  analyzeTables?: readonly string[];
  /** Expired idempotency keys deleted per statement, and statements per run (bounded work). */
  purgeBatchSize?: number;
  purgeMaxBatches?: number;
}

type Step = (database: Db, options: MaintenanceOptions) => Promise<string>;

const NOT_DISTRIBUTED = 'not distributed (plain PostgreSQL): nothing to do';

/** Commits or aborts what a coordinator crash or a lost connection left prepared (two-phase commit). */
const recoverPrepared: Step = async (database) => {
  if (!(await citusVersion(database))) return NOT_DISTRIBUTED;
  const { rows } = await database.query<{ n: number }>('SELECT recover_prepared_transactions() AS n');
  const n = rows[0]?.n ?? 0;
  return n === 0 ? 'no prepared transaction to recover' : `recovered ${n} prepared transactions`;
};

/** Starts the background rebalancer when placement is uneven (a worker was added, say); never a second one. */
const rebalance: Step = async (database) => {
  if (!(await citusVersion(database))) return NOT_DISTRIBUTED;
  const started = await startRebalance(database);
  switch (started.outcome) {
    case 'balanced':
      return 'balanced';
    case 'already-running':
      return `already running: ${describeRebalance(started.status)}`;
    case 'started':
      return `started rebalance job ${started.jobId}: ${started.moves} shard group moves`;
  }
};

/** Fresh planner statistics; Citus passes ANALYZE on to every shard. */
const analyze: Step = async (database, options) => {
  const tables = options.analyzeTables ?? allTables();
  const failed: string[] = [];
  for (const table of tables) {
    try {
      // Each name must be an existing table: to_regclass turns it into a safe identifier.
      const { rows } = await database.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [
        table,
      ]);
      const name = rows[0]?.name;
      if (!name) throw new Error(`no table named ${table}`);
      await database.query(`ANALYZE ${name}`);
    } catch (error: unknown) {
      failed.push(`${table} (${messageOf(error)})`);
    }
  }
  if (failed.length > 0) {
    throw new Error(
      `analyzed ${tables.length - failed.length} of ${tables.length} tables; failed: ${failed.join(', ')}`,
    );
  }
  return `analyzed ${tables.length} tables`;
};

/** Deletes idempotency keys past their retention, a bounded number per run. */
const purgeIdempotencyKeys: Step = async (database, options) => {
  const batchSize = options.purgeBatchSize ?? 5000;
  const maxBatches = options.purgeMaxBatches ?? 20;
  let purged = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const { rowCount } = await database.query(
      `DELETE FROM idempotency_keys
        WHERE (company_id, key) IN (SELECT company_id, key FROM idempotency_keys WHERE expires_at <= now() LIMIT $1)`,
      [batchSize],
    );
    purged += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return `purged ${purged} expired keys`;
  }
  return `purged ${purged} expired keys; more remain for the next run (${maxBatches} batches of ${batchSize} per run)`;
};

const ROLLUPS = [
  { name: 'impressions', table: 'impressions', at: 'seen_at', column: 'impressions' },
  { name: 'clicks', table: 'clicks', at: 'clicked_at', column: 'clicks' },
] as const;

/**
 * Impressions and clicks per ad per day into ad_stats_daily, from where the last run
 * stopped: the window and the rollup commit together, and the window's row lock makes a
 * concurrent run wait and then take the next window.
 */
const rollupAdStats: Step = async (database) => {
  const counted: string[] = [];
  for (const r of ROLLUPS) {
    const added = await database.withTransaction(async (tx) => {
      const { rows } = await tx.query<{ window_start: string; window_end: string }>(
        'SELECT window_start::text, window_end::text FROM distribushop_rollup_window($1)',
        [r.name],
      );
      const window = rows[0];
      if (!window || BigInt(window.window_end) < BigInt(window.window_start)) return 0;
      const { rowCount } = await tx.query(
        `INSERT INTO ad_stats_daily (company_id, ad_id, day, ${r.column})
         SELECT company_id, ad_id, ${r.at}::date, count(*) FROM ${r.table}
          WHERE id BETWEEN $1 AND $2 GROUP BY company_id, ad_id, ${r.at}::date
         ON CONFLICT (company_id, ad_id, day)
         DO UPDATE SET ${r.column} = ad_stats_daily.${r.column} + EXCLUDED.${r.column}`,
        [window.window_start, window.window_end],
      );
      return rowCount ?? 0;
    });
    counted.push(`${r.name}: ${added} ad-days updated`);
  }
  return counted.join('; ');
};

const STEPS: Record<MaintenanceStep, Step> = {
  'recover-prepared': recoverPrepared,
  rebalance,
  analyze,
  'purge-idempotency-keys': purgeIdempotencyKeys,
  'rollup-ad-stats': rollupAdStats,
};

/** Runs the steps in order; a failing step is reported and the others still run. */
export async function runMaintenance(
  database: Db,
  options: MaintenanceOptions = {},
): Promise<MaintenanceReport> {
  const chosen = MAINTENANCE_STEPS.filter((s) => !options.only || options.only.includes(s));
  const steps: StepResult[] = [];
  for (const step of chosen) {
    const started = performance.now();
    let result: StepResult;
    try {
      const outcome = await STEPS[step](database, options);
      result = { step, ok: true, ms: Math.round(performance.now() - started), result: outcome };
    } catch (error: unknown) {
      result = { step, ok: false, ms: Math.round(performance.now() - started), result: messageOf(error) };
    }
    (result.ok ? log.info : log.error)('maintenance step', { ...result });
    steps.push(result);
  }
  return { ok: steps.every((s) => s.ok), steps };
}

/** The summary table for people. */
export function formatMaintenanceReport(report: MaintenanceReport): string {
  const width = Math.max(...MAINTENANCE_STEPS.map((s) => s.length));
  const lines = report.steps.map(
    (s) => `${s.step.padEnd(width)}  ${s.ok ? 'ok  ' : 'FAIL'}  ${`${s.ms} ms`.padStart(9)}  ${s.result}`,
  );
  const failed = report.steps.filter((s) => !s.ok).length;
  lines.push(failed === 0 ? 'maintenance: every step ok' : `maintenance: ${failed} step(s) FAILED`);
  return lines.join('\n');
}
