/**
 * PgBouncer's configuration, for the local cluster's PgBouncer (infra/local-cluster/) and
 * for docker compose's `pgbouncer` service (pgbouncer.ini beside this file, which
 * test/unit/pgbouncer-ini.test.ts holds equal to what this renders with lib/config's
 * defaults): transaction pooling in front of the coordinator for every database on it.
 */
import type { ConnectionBounds } from '../../lib/config';

/** The coordinator connections PgBouncer opens for one database: the bound the functions stay within. */
export const POOLER_POOL_SIZE = 16;

export interface PgBouncerIni {
  /** Comment lines at the top: who writes the file, and for what. */
  header: string[];
  /** The coordinator as PgBouncer reaches it. */
  coordinator: { host: string; port: number };
  listen: { host: string; port: number };
  authFile: string;
  /** The functions' connection bounds, set on each server connection. */
  bounds: ConnectionBounds;
  /** PgBouncer's log and pid files; left out, it logs to stderr and writes no pid file (a container). */
  logfile?: string;
  pidfile?: string;
}

/** The text of pgbouncer.ini. */
export function pgbouncerIni(ini: PgBouncerIni): string {
  const connectQuery =
    `SET statement_timeout = ${ini.bounds.DB_STATEMENT_TIMEOUT_MS}; ` +
    `SET citus.node_connection_timeout = ${ini.bounds.DB_NODE_CONNECT_TIMEOUT_MS}`;
  return `${[
    ...ini.header.map((line) => `; ${line}`),
    '[databases]',
    "; Every database on the coordinator. The functions' per-connection bounds cannot travel as",
    '; startup parameters through a transaction pooler, so each server connection gets them',
    '; here (DB_STATEMENT_TIMEOUT_MS and DB_NODE_CONNECT_TIMEOUT_MS).',
    `* = host=${ini.coordinator.host} port=${ini.coordinator.port} connect_query='${connectQuery}'`,
    '',
    '[pgbouncer]',
    `listen_addr = ${ini.listen.host}`,
    `listen_port = ${ini.listen.port}`,
    'unix_socket_dir =',
    '; Trust, like the coordinator it stands in front of: for development, not production.',
    'auth_type = trust',
    `auth_file = ${ini.authFile}`,
    'pool_mode = transaction',
    'max_client_conn = 4000',
    `default_pool_size = ${POOLER_POOL_SIZE}`,
    `max_db_connections = ${POOLER_POOL_SIZE}`,
    'reserve_pool_size = 0',
    'server_idle_timeout = 60',
    '; After a failed connection to the coordinator (a restart, a failover to its standby),',
    '; try again after 1 s, not the default 15 s: the shop is back as soon as the server is.',
    'server_login_retry = 1',
    '; node-postgres sends these; the connect_query above sets the bounds instead.',
    'ignore_startup_parameters = extra_float_digits,options,statement_timeout',
    'admin_users = postgres',
    '; A function instance connects once and stays: a line per connection is noise at scale.',
    'log_connections = 0',
    'log_disconnections = 0',
    ...(ini.logfile ? [`logfile = ${ini.logfile}`] : []),
    ...(ini.pidfile ? [`pidfile = ${ini.pidfile}`] : []),
  ].join('\n')}\n`;
}

/** docker compose's `pgbouncer` service, in front of the `coordinator` service. */
export function composePgBouncerIni(bounds: ConnectionBounds): string {
  return pgbouncerIni({
    header: [
      'PgBouncer for docker compose (the `pgbouncer` service): transaction pooling in front of',
      'the coordinator, so that any number of function instances, each with its one',
      `connection, share at most ${POOLER_POOL_SIZE} of the coordinator's per database. This file is`,
      "what infra/pgbouncer/ini.ts renders with lib/config's defaults (the local cluster's",
      'PgBouncer gets the same settings); test/unit/pgbouncer-ini.test.ts holds the two equal.',
    ],
    coordinator: { host: 'coordinator', port: 5432 },
    listen: { host: '0.0.0.0', port: 5432 },
    authFile: '/etc/pgbouncer/userlist.txt',
    bounds,
  });
}
