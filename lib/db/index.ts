/**
 * The one database module: the only pool, `query()`, and the transaction helper.
 * Nothing else on the request path imports a driver. The pool is created once per
 * process at module scope and points at the Citus coordinator (`DATABASE_URL`).
 */
import { Pool, type PoolClient, type QueryResult, type QueryResultRow, types } from 'pg';
import { config } from '../config';
import { ServiceUnavailableError } from '../errors';
import { describeError, log } from '../log';

// bigint ids as JSON numbers: parse int8 to a number, refusing values past 2^53 rather than rounding them.
const INT8_OID = 20;
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`int8 value ${value} is beyond 2^53 and cannot be a JSON number`);
  return n;
}
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
};

const settings = config();

export const pool = new Pool({
  connectionString: settings.DATABASE_URL,
  max: settings.DB_POOL_MAX,
  connectionTimeoutMillis: settings.DB_CONNECT_TIMEOUT_MS,
  idleTimeoutMillis: settings.DB_IDLE_TIMEOUT_MS,
  statement_timeout: settings.DB_STATEMENT_TIMEOUT_MS,
  application_name: 'distribushop',
  types: typeParsers,
});

// An idle client losing its connection must not crash the process; the pool replaces it.
pool.on('error', (error) => log.error('idle database client failed', describeError(error)));

/** Anything that runs a query: the pool, or the client of a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled (statement timeout)
  '53300', // too_many_connections
]);

/** True when an error means the database (or a node behind the coordinator) cannot serve now. */
export function isUnavailable(error: unknown): boolean {
  // Read the fields rather than test `instanceof Error`: socket errors are made by Node's
  // own realm, which is not the caller's under a test runner's module sandbox.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return (
    typeof message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|connection to the remote node/i.test(
      message,
    )
  );
}

function translate(error: unknown): unknown {
  if (isUnavailable(error)) {
    return new ServiceUnavailableError('The database is not reachable right now; try again shortly', 5, {
      cause: error,
    });
  }
  return error;
}

function timed<R extends QueryResultRow>(
  runner: Queryable,
  text: string,
  params: unknown[] | undefined,
): Promise<QueryResult<R>> {
  const started = performance.now();
  return runner.query<R>(text, params).then(
    (result) => {
      const ms = Math.round(performance.now() - started);
      if (ms > 500) log.warn('slow query', { ms, query: text.replace(/\s+/g, ' ').slice(0, 200) });
      else log.debug('query', { ms, rows: result.rowCount });
      return result;
    },
    (error: unknown) => {
      throw translate(error);
    },
  );
}

/** One statement on a pooled connection. */
export function query<R extends QueryResultRow = QueryResultRow>(
  text: string,
  params?: unknown[],
): Promise<QueryResult<R>> {
  return timed<R>(pool, text, params);
}

/** The pool as a Queryable: the default runner of functions that also run inside a transaction. */
export const pooled: Queryable = { query };

/**
 * Runs `work` in one transaction on one checked-out client: BEGIN, COMMIT, ROLLBACK
 * on any error, and the client released in `finally`. This is the only way to run
 * a transaction.
 */
export async function withTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error: unknown) {
    throw translate(error);
  }
  const tx: Queryable = { query: (text, params) => timed(client, text, params) };
  let broken: unknown;
  try {
    await tx.query('BEGIN');
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error: unknown) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError: unknown) {
      // The connection itself failed: do not return it to the pool.
      broken = rollbackError;
    }
    throw error;
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/** Ends the pool so a script or test process can exit. */
export async function closePool(): Promise<void> {
  await pool.end();
}
