/**
 * The one database module: a database is a value, `createDb(config)`, that owns one
 * pool and offers `query()`, the transaction helper and `close()`. Nothing else imports
 * a driver for the request path.
 *
 * The request path uses `db()`, created from the configuration on first use and kept
 * for the life of the process (one per Lambda instance, reused across invocations).
 * Importing this module opens nothing and reads no environment; setup, seeding and tests
 * create and close databases of their own.
 */
// First: pg looks for a `navigator` when it loads (./navigator.ts says why).
import './navigator';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type PoolClient, type QueryResult, type QueryResultRow, types } from 'pg';
import { config, type DbConfig } from '../config';
import { ServiceUnavailableError } from '../errors';
import { describeError, log } from '../log';
import { addDatabaseTime } from '../metrics';
import { messageOf, type Unavailability, unavailability, worthRepeating } from './errors';

export interface QueryOptions {
  /**
   * The statement may run twice with the same effect: a read, or a write whose second run
   * finds the first one's work (an order call under its Idempotency-Key). Such a statement
   * is sent again while a node changes hands (DB_RETRY_MS), even when it was cut off
   * half-way; any other statement only when the database says it never ran. A statement
   * of a transaction is never sent again: the transaction is the unit.
   */
  repeatable?: boolean;
}

/** What a read passes: it may always be sent again. */
export const REPEATABLE: QueryOptions = { repeatable: true };

/** Anything that runs a query: a database, or the client of one of its transactions. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  /**
   * Runs `work` in one transaction on one checked-out client: BEGIN, COMMIT, ROLLBACK on
   * any error, and the client released in `finally`. The only way to run a transaction.
   */
  withTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Ends the pool so a script or test process can exit. */
  close(): Promise<void>;
}

export interface DbOptions {
  /** The server's `application_name` for these connections. */
  applicationName?: string;
}

// bigint ids as JSON numbers: parse int8 to a number, refusing values past 2^53 rather than rounding them.
const INT8_OID = 20;
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`int8 value ${value} is beyond 2^53 and cannot be a JSON number`);
  return n;
}

// `timestamp without time zone` (the tutorial tables' columns) holds UTC wall-clock time
// here. The driver would read it in the process's own time zone; read it as UTC instead,
// so the API's times do not move with TZ.
const TIMESTAMP_OID = 1114;
const PLAIN_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;
function parseUtcTimestamp(value: string): Date | string {
  if (PLAIN_TIMESTAMP.test(value)) return new Date(`${value.replace(' ', 'T')}Z`);
  return (types.getTypeParser(TIMESTAMP_OID, 'text') as (v: string) => Date | string)(value);
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && oid === INT8_OID) return parseInt8;
    if (format !== 'binary' && oid === TIMESTAMP_OID) return parseUtcTimestamp;
    return types.getTypeParser(oid, format ?? 'text');
  }) as typeof types.getTypeParser,
};

const PUBLIC_DETAIL: Record<Unavailability, string> = {
  worker: 'The database node that holds this data is not reachable',
  timeout: 'The database did not answer in time',
  database: 'The database is not reachable',
};

/** A database error that means "not now" becomes a 503 for the caller; the cause is kept for the log. */
function translate(error: unknown): unknown {
  const why = unavailability(error);
  if (why === undefined) return error;
  return new ServiceUnavailableError(
    `${PUBLIC_DETAIL[why]}: ${messageOf(error)}`,
    why === 'database' ? 5 : 2,
    {
      cause: error,
      publicDetail: PUBLIC_DETAIL[why],
      reason: why,
    },
  );
}

/** The pause before the n-th repeat of a statement (from 1): 100 ms, doubling, at most 1 s. */
const pauseBefore = (repeat: number) => Math.min(100 * 2 ** (repeat - 1), 1000);

// The one place that times queries, and sends one again while a node changes hands (for
// up to `retryMs`); parameters are never logged.
async function timed<R extends QueryResultRow>(
  runner: Pick<Pool, 'query'>,
  text: string,
  params: unknown[] | undefined,
  retryMs: number,
  options: QueryOptions | undefined,
): Promise<QueryResult<R>> {
  const deadline = performance.now() + retryMs;
  for (let repeat = 1; ; repeat++) {
    const started = performance.now();
    try {
      const result = await runner.query<R>(text, params);
      const ms = Math.round(performance.now() - started);
      addDatabaseTime(ms);
      if (ms > 500) log.warn('slow query', { ms, query: text.replace(/\s+/g, ' ').slice(0, 200) });
      else log.debug('query', { ms, rows: result.rowCount });
      return result;
    } catch (error: unknown) {
      addDatabaseTime(Math.round(performance.now() - started));
      const pause = pauseBefore(repeat);
      if (performance.now() + pause > deadline || !worthRepeating(error, options?.repeatable === true))
        throw translate(error);
      log.info('statement sent again: the database said not now', { repeat, pause, why: messageOf(error) });
      await sleep(pause);
    }
  }
}

const QUERY_TIMEOUT_MARGIN_MS = 2_000;

/** A database at `cfg.DATABASE_URL` with its own pool. Connects on the first query, not here. */
export function createDb(cfg: DbConfig, options: DbOptions = {}): Db {
  const pool = new Pool({
    connectionString: cfg.DATABASE_URL,
    max: cfg.DB_POOL_MAX,
    connectionTimeoutMillis: cfg.DB_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: cfg.DB_IDLE_TIMEOUT_MS,
    statement_timeout: cfg.DB_STATEMENT_TIMEOUT_MS,
    // A worker that does not answer fails the statement in seconds, not Citus's default 30 s.
    // A custom setting is accepted (and ignored) by plain PostgreSQL too.
    options: `-c citus.node_connection_timeout=${cfg.DB_NODE_CONNECT_TIMEOUT_MS}`,
    // The server ends a slow statement; this ends the wait for a server that has stopped
    // answering at all (frozen, or gone without closing the socket), a little later.
    // A database without a statement timeout (operator work) gets none either.
    query_timeout:
      cfg.DB_STATEMENT_TIMEOUT_MS > 0 ? cfg.DB_STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS : undefined,
    keepAlive: true,
    application_name: options.applicationName ?? 'distribushop',
    types: typeParsers,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => log.error('idle database client failed', describeError(error)));
  // The pool listens to a client only while it is idle, and a request only while its
  // statement runs; a connection the server ends in between (a restart, a terminated
  // backend) would emit 'error' to no listener, which ends the process. Every client keeps
  // one listener for its whole life; the statement that uses it next fails and says why.
  pool.on('connect', (client) => {
    client.on('error', (error) => log.debug('database connection lost', describeError(error)));
  });

  return {
    query: <R extends QueryResultRow = QueryResultRow>(
      text: string,
      params?: unknown[],
      options?: QueryOptions,
    ) => timed<R>(pool, text, params, cfg.DB_RETRY_MS, options),

    async withTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error: unknown) {
        throw translate(error);
      }
      const tx: Queryable = { query: (text, params) => timed(client, text, params, 0, undefined) };
      let broken = false;
      // A checked-out client has no listener of the pool's: a connection that fails
      // between two statements (the server ended it) would be an unhandled 'error' event,
      // which ends the process. The next statement fails and reports it; here it is only
      // noted, and the client is not returned to the pool.
      const onLost = (error: unknown) => {
        broken = true;
        log.warn('database connection lost in a transaction', describeError(error));
      };
      client.on('error', onLost);
      try {
        await tx.query('BEGIN');
        const result = await work(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error: unknown) {
        try {
          await client.query('ROLLBACK');
        } catch {
          // The connection itself failed: do not return it to the pool.
          broken = true;
        }
        throw error;
      } finally {
        client.off('error', onLost);
        client.release(broken);
      }
    },

    close: () => pool.end(),
  };
}

/**
 * Runs `work` in one transaction whose statements end after `ms` (SET LOCAL
 * statement_timeout): for questions that must answer quickly or not at all, such as
 * whether a worker is reachable.
 */
export function withStatementTimeout<T>(
  database: Db,
  ms: number,
  work: (tx: Queryable) => Promise<T>,
): Promise<T> {
  return database.withTransaction(async (tx) => {
    await tx.query("SELECT set_config('statement_timeout', $1, true)", [String(Math.max(1, Math.round(ms)))]);
    return work(tx);
  });
}

/**
 * The `$n` placeholders of a multi-row VALUES list: `shared` parameters every row repeats
 * ($1…), then `perRow` of its own per row. Only numbers go into the SQL text, so a
 * statement built with this is still fully parameterized.
 */
export function placeholders(rows: number, shared: number, perRow: number): string {
  const common = Array.from({ length: shared }, (_, i) => `$${i + 1}`);
  return Array.from({ length: rows }, (_, row) => {
    const own = Array.from({ length: perRow }, (_, i) => `$${shared + row * perRow + i + 1}`);
    return `(${[...common, ...own].join(', ')})`;
  }).join(', ');
}

let current: Db | undefined;

/** The request path's database: created from the configuration on first use, then kept. */
export function db(): Db {
  current ??= createDb(config());
  return current;
}

/**
 * Points the request path at `replacement` (a test's failing database, say) and returns
 * the one it replaces, so the caller can put it back. `undefined` goes back to the default.
 */
export function setDefaultDb(replacement: Db | undefined): Db | undefined {
  const previous = current;
  current = replacement;
  return previous;
}

/** Closes the request path's database, if one was opened, so a script or test can exit. */
export async function closeDb(): Promise<void> {
  const open = current;
  current = undefined;
  await open?.close();
}
