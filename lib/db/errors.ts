/**
 * Reading database and connection errors, whatever raised them: node-postgres, postgres.js,
 * or Node's own sockets. Errors are recognised by their fields, never by `instanceof`:
 * socket errors come from Node's realm, which is not the caller's under a test runner's
 * module sandbox, and the two drivers have error classes of their own.
 */

/** SQLSTATEs the code acts on (PostgreSQL, Appendix A). */
export const SQLSTATE = {
  queryCanceled: '57014',
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
  readOnlyTransaction: '25006',
} as const;

/** What the server said about a failed statement, or what the socket said. */
export interface DatabaseErrorFields {
  message: string;
  /** SQLSTATE for a server error; a Node code such as ECONNREFUSED for a socket error. */
  code?: string;
  detail?: string;
  hint?: string;
  /** The error context, e.g. `COPY campaigns, line 3, column monthly_budget: "x"`. */
  where?: string;
  table?: string;
  column?: string;
  constraint?: string;
  /** True for an error the server sent (it has a severity); false for a client or socket error. */
  fromServer: boolean;
}

function field(error: object, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value: unknown = (error as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * The fields of a database or connection error (node-postgres names them `table`,
 * `constraint`; postgres.js `table_name`, `constraint_name`), or undefined for anything
 * that is not an error object.
 */
export function databaseError(error: unknown): DatabaseErrorFields | undefined {
  if (typeof error !== 'object' || error === null || !('message' in error)) return undefined;
  const message = field(error, 'message') ?? '';
  return {
    message,
    code: field(error, 'code'),
    detail: field(error, 'detail'),
    hint: field(error, 'hint'),
    where: field(error, 'where'),
    table: field(error, 'table', 'table_name'),
    column: field(error, 'column', 'column_name'),
    constraint: field(error, 'constraint', 'constraint_name'),
    fromServer: field(error, 'severity', 'severity_local') !== undefined,
  };
}

/** The SQLSTATE (or socket code) of an error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  return databaseError(error)?.code;
}

const UNAVAILABLE_CODES = new Set<string>([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  SQLSTATE.adminShutdown,
  SQLSTATE.crashShutdown,
  SQLSTATE.cannotConnectNow,
  SQLSTATE.queryCanceled,
  SQLSTATE.tooManyConnections,
  // A node in recovery: a standby reached while its group fails over to it ("writing to
  // worker nodes is not currently allowed" from Citus, or a read-only transaction).
  SQLSTATE.readOnlyTransaction,
]);

// node-postgres reports a pool wait, a dropped connection, a statement sent on a
// connection that has already failed, and a server that stopped answering (query_timeout)
// without a code; a backend whose postmaster died (a crashed server, failing over to its
// standby) reports it as XX000 when Citus notices.
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|is not queryable|Query read timeout|postmaster was shut down/i;

// Citus reports a worker it cannot reach as XX000 (or 08xxx) with one of these texts; the
// last is a statement planned while Patroni moves a group's entry in pg_dist_node to its
// new primary (a failover).
const WORKER_UNREACHABLE =
  /connection to the remote node .* failed|could not establish any connections to the node|connection not open|remote node .* closed the connection|There is a shard placement on node .* but could not find the node/i;

/** Why the database cannot serve now, in words for the client; undefined when it can. */
export type Unavailability = 'worker' | 'timeout' | 'database';

export function unavailability(error: unknown): Unavailability | undefined {
  const fields = databaseError(error);
  if (!fields) return undefined;
  const { code, message } = fields;
  if (WORKER_UNREACHABLE.test(message)) return 'worker';
  if (code === SQLSTATE.queryCanceled) return 'timeout';
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return 'database';
  return UNAVAILABLE_MESSAGES.test(message) ? 'database' : undefined;
}

// Refused before it ran, so nothing it would have written was written: no connection to
// the coordinator, a server starting up or shutting down, a standby (read-only), or Citus
// unable to reach the worker or to find the node that holds the shard.
const NEVER_RAN_CODES = new Set<string>([
  'ECONNREFUSED',
  SQLSTATE.cannotConnectNow,
  SQLSTATE.readOnlyTransaction,
]);
const NEVER_RAN =
  /could not establish any connections to the node|but could not find the node|failed with the following error: connection to server .* failed: (Connection refused|FATAL: +the database system is)/i;

// "Not now" because the database is busy, not because a node is changing hands: sending
// the statement again would only add to the load. (A server that stopped answering, the
// pool's "Query read timeout", is not among them: PgBouncer holds a statement while the
// primary behind it is being replaced, and the next connection reaches the new one.)
const BUSY_CODES = new Set<string>([SQLSTATE.tooManyConnections, 'ETIMEDOUT', 'CONNECT_TIMEOUT']);
const BUSY = /timeout exceeded when trying to connect/i;

/**
 * Whether a statement that failed this way may be sent again in a moment: a node was
 * restarting, shutting down or failing over to its standby. A `repeatable` statement (a
 * read, or a write whose second run finds the first one's work) may be for any such
 * error; any other statement only when the error says it never ran, since one cut off
 * half-way may have committed.
 */
export function worthRepeating(error: unknown, repeatable: boolean): boolean {
  const why = unavailability(error);
  if (why === undefined || why === 'timeout') return false;
  const { code = '', message } = databaseError(error) as DatabaseErrorFields;
  if (NEVER_RAN_CODES.has(code) || NEVER_RAN.test(message)) return true;
  return repeatable && !BUSY_CODES.has(code) && !BUSY.test(message);
}

/** The root cause's first line: what the database or the network said. */
export function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { cause, message, name } = error as { cause?: unknown; message?: unknown; name?: unknown };
    if (cause !== undefined && cause !== null) return messageOf(cause);
    const text =
      typeof message === 'string' && message !== '' ? message : typeof name === 'string' ? name : '';
    if (text) return text.split('\n')[0] ?? text;
  }
  return String(error);
}
