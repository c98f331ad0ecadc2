/**
 * Faults and their signs: a database value that calls `inject` before each statement it
 * sends outside a transaction (an order is two of them), and the Retry-After every 503
 * carries.
 */
import type { QueryResult, QueryResultRow } from 'pg';
import type { Db, Queryable } from '../../lib/db';

/**
 * Wraps `base` so that `inject` runs before each statement, with the database itself.
 * Give `base` a pool of one connection, so that what the injector does to "the
 * connection" (a session setting) is what the statement meets.
 */
export function withStatementFaults(
  base: Db,
  inject: (
    point: number,
    statement: { text: string; params?: unknown[] },
    database: Queryable,
  ) => Promise<void>,
): Db {
  let point = 0;
  return {
    query: async <R extends QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>> => {
      point += 1;
      await inject(point, { text, params }, base);
      return base.query<R>(text, params);
    },
    withTransaction: (work) => base.withTransaction(work),
    close: () => base.close(),
  };
}

/** A Retry-After of whole seconds, as every 503 carries. */
export const RETRY_AFTER = /^[1-9]\d*$/;
