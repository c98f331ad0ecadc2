/**
 * Bulk loading: a small postgres.js session of its own (not the request pool) that
 * streams rows into tables with COPY ... FROM STDIN. Seeding and benchmarks use it;
 * the request path never does. The caller ends the session when done.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { config } from '../config';

/** A value bound to a query parameter. */
export type BulkParameter = string | number | boolean | null;

/** Something that runs statements and COPYs: a session, or its transaction. */
export interface BulkQueryable {
  /** One statement; rows come back with every column as postgres.js parses it (int8 as a string). */
  query<R extends object = Record<string, unknown>>(text: string, params?: BulkParameter[]): Promise<R[]>;
  /**
   * Streams CSV text (no header) into `table (columns)` with one COPY FROM STDIN.
   * The source is read with back-pressure, so memory stays bounded whatever its length.
   */
  copyIn(
    table: string,
    columns: readonly string[],
    source: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
  ): Promise<void>;
}

export interface BulkSession extends BulkQueryable {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: BulkQueryable) => Promise<T>): Promise<T>;
  /** Closes the connection. */
  end(): Promise<void>;
}

/** A double-quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function queryable(sql: postgres.Sql | postgres.TransactionSql): BulkQueryable {
  return {
    async query<R extends object>(text: string, params: BulkParameter[] = []): Promise<R[]> {
      const rows = await sql.unsafe(text, params);
      return [...rows] as unknown as R[];
    },
    async copyIn(table, columns, source) {
      const target = `${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')})`;
      const pending = sql.unsafe(`COPY ${target} FROM STDIN WITH (FORMAT csv)`);
      // postgres.js 3.4 never settles the writable when the server rejects the COPY after
      // the last row was sent (porsager/postgres#1173): the error only reaches the query's
      // reject(), which it calls after having resolved the query with the stream. Listen
      // there too, so that a failed COPY rejects (and a transaction rolls back) instead of hanging.
      const query = pending as unknown as { reject: (error: unknown) => void };
      const settle = query.reject;
      const rejected = new Promise<never>((_, reject) => {
        query.reject = (error: unknown) => {
          reject(error);
          settle(error);
        };
      });
      rejected.catch(() => {});
      const writable = await pending.writable();
      await Promise.race([pipeline(Readable.from(source, { objectMode: false }), writable), rejected]);
    },
  };
}

export interface BulkSessionOptions {
  /** The server's `application_name` for this session. */
  applicationName?: string;
  /** Called with each server notice; notices are dropped by default. */
  onNotice?: (message: string) => void;
}

/**
 * Opens one connection to `url` (default: `DATABASE_URL`) for bulk work. No statement
 * timeout: a large COPY may run for minutes.
 */
export function openBulkSession(
  url: string = config().DATABASE_URL,
  options: BulkSessionOptions = {},
): BulkSession {
  const sql = postgres(url, {
    max: 1,
    idle_timeout: 30,
    connect_timeout: 10,
    prepare: false,
    onnotice: (notice) => options.onNotice?.(String(notice.message)),
    connection: { application_name: options.applicationName ?? 'distribushop-bulk', statement_timeout: 0 },
  });
  return {
    ...queryable(sql),
    async transaction<T>(work: (tx: BulkQueryable) => Promise<T>): Promise<T> {
      // postgres.js commits when the callback resolves and rolls back when it throws.
      return (await sql.begin((tx) => work(queryable(tx)))) as T;
    },
    end: () => sql.end({ timeout: 5 }),
  };
}
