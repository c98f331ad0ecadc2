/**
 * Faults injected between the statements of a transaction: a database value that wraps
 * another and calls `inject` before each statement the work sends (1, 2, …) and before
 * COMMIT. The injector may act on the transaction's own connection (find its backend and
 * have it terminated, run a statement that times out) or change the statement's
 * parameters (to violate a constraint); whatever it throws fails the transaction.
 */
import type { QueryResult, QueryResultRow } from 'pg';
import type { Db, Queryable } from '../../lib/db';

export type FaultPoint = number | 'commit';

export type Injector = (
  point: FaultPoint,
  statement: { text: string; params?: unknown[] },
  tx: Queryable,
) => Promise<unknown[] | undefined>;

export function withFaults(base: Db, inject: Injector): Db {
  return {
    query: (text, params) => base.query(text, params),
    close: () => base.close(),
    withTransaction: (work) =>
      base.withTransaction(async (tx) => {
        let point = 0;
        const faulty: Queryable = {
          query: async <R extends QueryResultRow>(
            text: string,
            params?: unknown[],
          ): Promise<QueryResult<R>> => {
            point += 1;
            const replaced = await inject(point, { text, params }, tx);
            return tx.query<R>(text, replaced ?? params);
          },
        };
        const result = await work(faulty);
        await inject('commit', { text: 'COMMIT' }, tx);
        return result;
      }),
  };
}

/** Has the transaction's backend terminated from another connection, and waits until it is gone. */
export async function terminateBackend(tx: Queryable, admin: Queryable): Promise<void> {
  const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = rows[0]?.pid;
  await admin.query('SELECT pg_terminate_backend($1::int)', [pid]);
  for (let i = 0; i < 100; i++) {
    const alive = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (alive.rowCount === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`backend ${pid} was not terminated`);
}

/** Runs a statement on the transaction's connection that its statement timeout cancels. */
export async function timeOut(tx: Queryable): Promise<void> {
  await tx.query("SET LOCAL statement_timeout = '100ms'");
  await tx.query('SELECT pg_sleep(2)');
}

/** A Retry-After of whole seconds, as every 503 carries. */
export const RETRY_AFTER = /^[1-9]\d*$/;
