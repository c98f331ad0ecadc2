/**
 * The request path's database for tests that read or write rows directly: the same
 * default `db()` the handlers use, pointed at the test cluster by DATABASE_URL. Test files
 * that import this end it with `afterAll(closeDb)`.
 */
import type { QueryResult, QueryResultRow } from 'pg';
import { closeDb, db, type Queryable } from '../../lib/db';

export { closeDb };

export function query<R extends QueryResultRow = QueryResultRow>(
  text: string,
  params?: unknown[],
): Promise<QueryResult<R>> {
  return db().query<R>(text, params);
}

export function withTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
  return db().withTransaction(work);
}

/**
 * Opens `connections` pooled connections and leaves them idle, so that a burst of
 * requests that follows runs at once instead of behind the first connection's start.
 */
export async function warmPool(connections: number, database: Queryable = db()): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => database.query('SELECT pg_sleep(0.05)')));
}
