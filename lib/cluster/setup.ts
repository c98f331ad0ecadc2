/**
 * Cluster setup: from a reachable coordinator to a verified distributed schema.
 * Waits for the coordinator, creates the Citus extension, registers the coordinator
 * host and every worker (idempotently), applies the SQL bundle and checks the result.
 * On plain PostgreSQL it applies the same schema undistributed and says so.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Config, config } from '../config';
import type { Db } from '../db';
import { messageOf } from '../db/errors';
import { operatorDb } from '../db/operator';
import { ClusterOperationError } from '../errors';
import {
  activeWorkers,
  type ClusterMode,
  type ClusterNode,
  citusVersion,
  formatTables,
  listTables,
  type ShardPlacement,
  shardPlacements,
  type TableDistribution,
} from './inspect';
import { applyBundle, type BundleResult, loadBundle, sqlDir } from './migrate';
import {
  describeRebalance,
  plannedMoves,
  type RebalanceStatus,
  rebalanceStatus,
  startRebalance,
} from './rebalance';
import { type RegistrationReport, reconcileWorkers } from './registration';
import { type SetupCheck, verify } from './verify';
import { addressText, configuredWorkers, type WorkerAddress } from './workers';

export interface SetupSummary {
  mode: ClusterMode;
  citusVersion: string | null;
  coordinator: string;
  workers: ClusterNode[];
  registration: RegistrationReport;
  rebalance: RebalanceOutcome;
  bundle: BundleResult;
  tables: TableDistribution[];
  placements: ShardPlacement[];
  checks: SetupCheck[];
}

function coordinatorAddress(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5432) };
}

/** Retries `attempt` until it succeeds or `seconds` pass; returns the last error's message otherwise. */
async function retryFor<T>(
  seconds: number,
  attempt: () => Promise<T>,
): Promise<{ value?: T; error?: unknown }> {
  const deadline = Date.now() + seconds * 1000;
  let delay = 250;
  for (;;) {
    try {
      return { value: await attempt() };
    } catch (error: unknown) {
      if (Date.now() + delay > deadline) return { error };
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}

async function waitForCoordinator(cfg: Config, database: Db): Promise<void> {
  const { error } = await retryFor(cfg.SETUP_WAIT_SECONDS, () => database.query('SELECT 1'));
  if (error !== undefined) {
    const { host, port } = coordinatorAddress(cfg.DATABASE_URL);
    throw new ClusterOperationError(
      `Cannot reach the coordinator at ${host}:${port} after ${cfg.SETUP_WAIT_SECONDS}s: ${messageOf(error)}. ` +
        'Is the cluster started (npm run cluster -- start, or docker-compose up -d)?',
      { cause: error },
    );
  }
}

/**
 * Creates the extension when the server is a Citus node. A server where Citus is not
 * installed, or installed but not preloaded, is plain PostgreSQL.
 */
async function ensureCitusExtension(database: Db): Promise<string | null> {
  const installed = await citusVersion(database);
  if (installed) return installed;
  const { rows } = await database.query<{ preloaded: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'citus')
            AND current_setting('shared_preload_libraries') ~ '(^|[ ,])citus($|[ ,])' AS preloaded`,
  );
  if (!rows[0]?.preloaded) return null;
  try {
    await database.query('CREATE EXTENSION IF NOT EXISTS citus');
  } catch (error: unknown) {
    throw new ClusterOperationError(`The citus extension cannot be created: ${messageOf(error)}`, {
      cause: error,
    });
  }
  return citusVersion(database);
}

async function ensureCoordinatorRegistered(cfg: Config, database: Db): Promise<void> {
  const { rows } = await database.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_dist_node WHERE groupid = 0',
  );
  if ((rows[0]?.n ?? 0) === 0) {
    const { host, port } = coordinatorAddress(cfg.COORDINATOR_URL ?? cfg.DATABASE_URL);
    await database.query('SELECT citus_set_coordinator_host($1, $2)', [host, port]);
  }
}

/**
 * Runs setup against `database` (default: a database of its own at DATABASE_URL, closed
 * at the end); throws ClusterOperationError with a readable message when anything is wrong.
 */
export async function setupCluster(cfg: Config = config(), database?: Db): Promise<SetupSummary> {
  // Setup's own statements (the bundle, shard placement) may take longer than a request may.
  const own = database ?? operatorDb(cfg, { name: 'distribushop-setup', statementTimeoutMs: 300_000 });
  try {
    return await runSetup(cfg, own);
  } finally {
    if (!database) await own.close();
  }
}

const NO_REGISTRATION: RegistrationReport = { added: [], moved: [], removed: [], problems: [] };

async function runSetup(cfg: Config, database: Db): Promise<SetupSummary> {
  await waitForCoordinator(cfg, database);
  const version = await ensureCitusExtension(database);
  const mode: ClusterMode = version ? 'citus' : 'plain';
  let configured: WorkerAddress[] = [];
  let registration = NO_REGISTRATION;
  const byPatroni = cfg.WORKER_REGISTRATION === 'patroni';
  if (mode === 'citus' && byPatroni) {
    // Patroni registers each group's primary and moves it on a failover: nothing to do here.
    await ensureCoordinatorRegistered(cfg, database);
  } else if (mode === 'citus') {
    try {
      configured = await configuredWorkers(cfg);
    } catch (error: unknown) {
      throw new ClusterOperationError(
        `Cannot resolve the workers (${cfg.WORKER_SERVICE}): ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    await ensureCoordinatorRegistered(cfg, database);
    registration = await reconcileWorkers(cfg, database, configured);
    if (registration.problems.length > 0) {
      throw new ClusterOperationError(
        `The workers need attention:\n${registration.problems.map((p) => `  - ${p}`).join('\n')}` +
          `${describeRegistration(registration)}`,
      );
    }
  }
  const bundle = await applyBundle(database, loadBundle(sqlDir(cfg.SQL_DIR)));
  let rebalance: RebalanceOutcome = { outcome: 'not-needed' };
  if (mode === 'citus') rebalance = await rebalanceIfNeeded(cfg, database);
  const workers = mode === 'citus' ? await activeWorkers(database) : [];
  const tables = await listTables(mode, database);
  const placements = mode === 'citus' ? await shardPlacements(database) : [];
  const expected = cfg.EXPECTED_WORKERS ?? (byPatroni ? workers.length : configured.length);
  const checks = verify(mode, expected, workers, tables, placements, rebalance.status);
  const { host, port } = coordinatorAddress(cfg.DATABASE_URL);
  const summary: SetupSummary = {
    mode,
    citusVersion: version,
    coordinator: `${host}:${port}`,
    workers,
    registration,
    rebalance,
    bundle,
    tables,
    placements,
    checks,
  };
  const failed = checks.filter((c) => c.level === 'fail');
  if (failed.length > 0) {
    throw new ClusterOperationError(
      `Cluster check failed: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}\n\n${formatSummary(summary)}`,
    );
  }
  return summary;
}

export type RebalanceOutcome =
  | { outcome: 'not-needed'; status?: RebalanceStatus }
  | { outcome: 'started'; jobId: number; moves: number; status: RebalanceStatus }
  | { outcome: 'running'; status: RebalanceStatus }
  | { outcome: 'needed'; moves: number; status: RebalanceStatus };

/**
 * After workers were added, shards belong on them too: copy the reference tables and
 * start the background rebalancer (SETUP_REBALANCE=auto), or say that one is needed.
 */
async function rebalanceIfNeeded(cfg: Config, database: Db): Promise<RebalanceOutcome> {
  if (cfg.SETUP_REBALANCE === 'off') {
    const status = await rebalanceStatus(database);
    if (status.running) return { outcome: 'running', status };
    const moves = await plannedMoves(database);
    return moves === 0 ? { outcome: 'not-needed', status } : { outcome: 'needed', moves, status };
  }
  const started = await startRebalance(database);
  const status = await rebalanceStatus(database);
  switch (started.outcome) {
    case 'balanced':
      return { outcome: 'not-needed', status };
    case 'already-running':
      return { outcome: 'running', status };
    case 'started':
      return { outcome: 'started', jobId: started.jobId, moves: started.moves, status };
  }
}

function describeRegistration(r: RegistrationReport): string {
  const lines = [
    ...r.added.map((w) => `  added worker ${addressText(w)}`),
    ...r.moved.map(
      (m) => `  worker of Citus group ${m.groupId} moved from ${addressText(m.from)} to ${addressText(m.to)}`,
    ),
    ...r.removed.map((w) => `  removed ${addressText(w)}: it no longer answered and held no shards`),
  ];
  return lines.length ? `\nRegistration:\n${lines.join('\n')}` : '';
}

function describeRebalanceOutcome(r: RebalanceOutcome): string | undefined {
  switch (r.outcome) {
    case 'started':
      return `Rebalance: started job ${r.jobId}, ${r.moves} shard group moves in the background (the shop keeps serving); follow it with npm run cluster -- rebalance --wait`;
    case 'running':
      return `Rebalance: ${describeRebalance(r.status)}; follow it with npm run cluster -- rebalance --wait`;
    case 'needed':
      return `Rebalance: ${r.moves} shard group moves needed; run npm run cluster -- rebalance`;
    default:
      return undefined;
  }
}

/** A readable summary for people. */
export function formatSummary(s: SetupSummary): string {
  const lines: string[] = [];
  if (s.mode === 'citus') {
    lines.push(
      `Citus ${s.citusVersion} cluster, coordinator ${s.coordinator}, ${s.workers.length} active workers:`,
    );
    for (const w of s.workers) {
      const shards = s.placements.find((p) => p.host === w.host && p.port === w.port)?.shards ?? 0;
      lines.push(`  worker ${w.host}:${w.port}  ${shards} shards`);
    }
  } else {
    lines.push(
      `PLAIN PostgreSQL at ${s.coordinator} (no Citus): the schema is applied UNDISTRIBUTED. ` +
        'Install Citus (official image or packages) for a distributed cluster.',
    );
  }
  lines.push(
    `SQL bundle: ${s.bundle.applied.length} applied${s.bundle.applied.length ? ` (${s.bundle.applied.join(', ')})` : ''}, ` +
      `${s.bundle.unchanged.length} already applied`,
  );
  lines.push('Tables:');
  lines.push(...formatTables(s.tables));
  const registration = describeRegistration(s.registration);
  if (registration) lines.push(registration.trimStart());
  const rebalance = describeRebalanceOutcome(s.rebalance);
  if (rebalance) lines.push(rebalance);
  lines.push('Checks:');
  for (const c of s.checks) lines.push(`  [${c.level === 'fail' ? 'FAIL' : c.level}] ${c.name}: ${c.detail}`);
  return lines.join('\n');
}
