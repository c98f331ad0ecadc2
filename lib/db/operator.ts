/**
 * A database for operator work: setup, maintenance, the cluster commands, and setup's
 * questions to each worker. It is the request path's database with an operator's bounds,
 * because operator statements (applying the bundle, moving shards, ANALYZE) may run far
 * longer than a request may, and it says who it is in `application_name`, so that
 * `pg_stat_activity` tells operator connections from the functions'.
 */
import type { DbConfig } from '../config';
import { createDb, type Db } from './index';

export interface OperatorDbOptions {
  /** The server's `application_name`: `distribushop-setup`, `distribushop-maintenance`, ... */
  name: string;
  /** Statement timeout; 0 (the default) for none: a shard move takes as long as it takes. */
  statementTimeoutMs?: number;
  /** Connections; default the configuration's DB_POOL_MAX. */
  poolMax?: number;
  /** Connect timeout (and Citus's to the workers); default the configuration's. */
  connectTimeoutMs?: number;
  /** Another server of the cluster than DATABASE_URL's host (a worker), same database and user. */
  node?: { host: string; port: number };
}

/** `url` with another host and port. */
function atNode(url: string, node: { host: string; port: number }): string {
  const parsed = new URL(url);
  parsed.hostname = node.host;
  parsed.port = String(node.port);
  return parsed.toString();
}

/** The coordinator at `cfg.DATABASE_URL` (or `options.node`) with an operator's bounds. Connects on the first query. */
export function operatorDb(cfg: DbConfig, options: OperatorDbOptions): Db {
  const connectTimeout = options.connectTimeoutMs ?? cfg.DB_CONNECT_TIMEOUT_MS;
  return createDb(
    {
      ...cfg,
      DATABASE_URL: options.node ? atNode(cfg.DATABASE_URL, options.node) : cfg.DATABASE_URL,
      DB_POOL_MAX: options.poolMax ?? cfg.DB_POOL_MAX,
      DB_STATEMENT_TIMEOUT_MS: options.statementTimeoutMs ?? 0,
      DB_CONNECT_TIMEOUT_MS: connectTimeout,
      DB_NODE_CONNECT_TIMEOUT_MS: options.connectTimeoutMs ?? cfg.DB_NODE_CONNECT_TIMEOUT_MS,
    },
    { applicationName: options.name },
  );
}
