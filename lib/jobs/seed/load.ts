/**
 * Loading seed data: one transaction that takes the seed lock, refuses (or skips) a
 * database that already has data unless asked to reset it, streams every table through
 * COPY, and moves each id sequence past the loaded ids. Any failure rolls it all back.
 */
import type { BulkQueryable, BulkSession } from '../../db/copy';
import { prepareBulkLoad } from './bulk';
import { SeedRefusedError } from './errors';
import { type Progress, silentProgress } from './progress';
import { RESET_TABLES, SERIAL_TABLES, type SeedTable } from './tables';

/** One table's data for COPY: CSV text (no header) in chunks, each with its row count. */
export interface LoadSource {
  table: SeedTable;
  columns: readonly string[];
  rows: number;
  chunks():
    | AsyncIterable<{ text: string | Buffer; rows: number }>
    | Iterable<{ text: string | Buffer; rows: number }>;
  /** Turns a database error during this table's COPY into one that says where the bad row is. */
  explain?(error: unknown): Promise<Error>;
}

export interface LoadOptions {
  /** Truncate every seeded table first. */
  reset: boolean;
  /** When data exists: skip (true) instead of refusing (false). */
  ifEmpty: boolean;
  /** Makes the progress display once the total is known. */
  progress?: (totalRows: number) => Progress;
  /**
   * Build secondary indexes and check foreign keys among the loaded tables after the
   * COPYs instead of per row (bulk.ts). For trusted data: a row that breaks a foreign key
   * still fails the load, but when the key is added back, not at its line.
   */
  deferIndexesAndForeignKeys?: boolean;
}

export interface LoadResult {
  /** Set when nothing was loaded because data exists and `ifEmpty` was given. */
  skipped?: string;
  tables: { table: SeedTable; rows: number }[];
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** The id each sequence hands out next. */
  nextIds: Partial<Record<(typeof SERIAL_TABLES)[number], number>>;
}

async function countRows(tx: BulkQueryable, table: string): Promise<number> {
  const rows = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]?.n ?? 0);
}

/** What is already there, as "12 companies, 3 geo_ips", or '' when empty. */
async function existingData(tx: BulkQueryable): Promise<string> {
  const found: string[] = [];
  for (const table of ['companies', 'geo_ips']) {
    const rows = await countRows(tx, table);
    if (rows > 0) found.push(`${rows.toLocaleString('en-US')} ${table}`);
  }
  return found.join(', ');
}

/** Sets every id sequence to hand out max(id) + 1 next; returns those next ids. */
async function moveSequences(tx: BulkQueryable): Promise<LoadResult['nextIds']> {
  const nextIds: LoadResult['nextIds'] = {};
  for (const table of SERIAL_TABLES) {
    const max = await tx.query<{ max: string | null }>(`SELECT max(id) AS max FROM ${table}`);
    const next = Number(max[0]?.max ?? 0) + 1;
    // On Citus the sequences of distributed tables live on the coordinator, where this runs.
    await tx.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2, false)`, [table, next]);
    nextIds[table] = next;
  }
  return nextIds;
}

async function* counted(
  source: LoadSource,
  progress: Progress,
  sent: { rows: number },
): AsyncGenerator<string | Buffer> {
  for await (const chunk of source.chunks()) {
    sent.rows += chunk.rows;
    progress.advance(chunk.rows);
    if (chunk.text.length > 0) yield chunk.text;
  }
}

/** Loads `sources` in order in one transaction of `session`. */
export async function loadSources(
  session: BulkSession,
  sources: readonly LoadSource[],
  options: LoadOptions,
): Promise<LoadResult> {
  const started = performance.now();
  const result = await session.transaction(
    async (tx): Promise<Omit<LoadResult, 'seconds' | 'rowsPerSecond'>> => {
      // One seed at a time: a second one waits here, then finds the data.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('distribushop_seed'))");
      const existing = await existingData(tx);
      if (existing) {
        if (options.ifEmpty) {
          return {
            skipped: `the database already has data (${existing})`,
            tables: [],
            rows: 0,
            nextIds: {},
          };
        }
        if (!options.reset) {
          throw new SeedRefusedError(
            `the database already has data (${existing}); seeding now would collide with it. ` +
              'Run again with --reset to empty every seeded table first (this deletes all shop data), ' +
              'or with --if-empty to leave a database that has data as it is.',
          );
        }
      }
      if (options.reset) await tx.query(`TRUNCATE ${RESET_TABLES.join(', ')}`);
      const total = sources.reduce((sum, s) => sum + s.rows, 0);
      const progress = options.progress?.(total) ?? silentProgress;
      const tables: LoadResult['tables'] = [];
      const bulk = options.deferIndexesAndForeignKeys
        ? await prepareBulkLoad(
            tx,
            sources.map((s) => s.table),
          )
        : undefined;
      try {
        for (const source of sources) {
          progress.table(source.table, source.rows);
          const sent = { rows: 0 };
          try {
            await tx.copyIn(source.table, source.columns, counted(source, progress, sent));
          } catch (error: unknown) {
            throw source.explain ? await source.explain(error) : error;
          }
          tables.push({ table: source.table, rows: sent.rows });
        }
      } finally {
        progress.stop();
      }
      await bulk?.restore();
      const nextIds = await moveSequences(tx);
      // The events just loaded carry ids the rollup has not seen: it starts from the first.
      await tx.query('UPDATE ad_stats_rollups SET last_aggregated_id = 0');
      return { tables, rows: tables.reduce((sum, t) => sum + t.rows, 0), nextIds };
    },
  );
  // Timed to the commit: on Citus that includes the two-phase commit on every worker.
  const seconds = (performance.now() - started) / 1000;
  return { ...result, seconds, rowsPerSecond: result.rows / Math.max(seconds, 0.001) };
}
