/**
 * Configuration: every environment variable the code reads, parsed with zod, each with a
 * description of what it is for. A missing or malformed variable fails at first use with
 * a message that names it. Nothing here reads the environment at import: each reader
 * parses on its first call and keeps the result.
 *
 * The variables come in sections, so that a tool reads only what it needs (the local
 * cluster launcher needs no DATABASE_URL; a request needs no launcher setting).
 */
import * as z from '../zod';
import { flag, hostPort, intFromEnv, list, nonEmpty, postgresUrl, setting, truthy } from './values';

export type { SettingMeta } from './values';

/**
 * The bounds of a function's connection that cannot travel as startup parameters through a
 * transaction pooler: PgBouncer sets them on each server connection instead.
 */
const connectionBoundsSettings = () => ({
  DB_STATEMENT_TIMEOUT_MS: setting(
    'Bounds every statement of a request (ms), lock waits and a hung worker included, then 503; a server that stops answering is given up 2 s later',
    intFromEnv(2_500, 100, 3_600_000),
  ),
  DB_NODE_CONNECT_TIMEOUT_MS: setting(
    "Citus's connection timeout from the coordinator to a worker, for the functions' sessions (ms; Citus's own default is 30 s)",
    intFromEnv(1_500, 100, 60_000),
  ),
});

/** The database every function connects to: the Citus coordinator. */
const databaseSettings = () => ({
  DATABASE_URL: setting(
    'The Citus coordinator the functions connect to, `postgres://user@host:port/db` (through PgBouncer, when there is one)',
    postgresUrl('is required: the connection URL of the Citus coordinator (postgres://user@host:port/db)'),
  ),
  DB_POOL_MAX: setting(
    // One: a Lambda instance serves one request at a time, and every instance holds its own,
    // so more would only multiply idle connections.
    'Connections per function instance: an instance serves one request at a time',
    intFromEnv(1, 1, 100),
  ),
  DB_CONNECT_TIMEOUT_MS: setting(
    'How long connecting, or waiting for a pooled connection, may take before a 503 (ms)',
    intFromEnv(5_000, 100, 120_000),
  ),
  DB_IDLE_TIMEOUT_MS: setting('How long an idle connection is kept (ms)', intFromEnv(10_000, 100, 600_000)),
  DB_RETRY_MS: setting(
    'How long a statement is sent again while a node restarts or fails over to its standby, before a 503 (ms; 0: never). Reads and idempotent order calls are; other writes only when the database says they never ran. Set it on a cluster with standbys (Patroni): the high-availability modes set 8000',
    intFromEnv(0, 0, 20_000),
  ),
  ...connectionBoundsSettings(),
});

/** The HTTP functions. */
const httpSettings = () => ({
  MAX_BODY_BYTES: setting(
    'Larger request bodies get 413, before anything parses them',
    intFromEnv(64 * 1024, 1024, 6 * 1024 * 1024),
  ),
  MAX_HEADER_BYTES: setting(
    "Larger request headers, names and values together, get 431 (API Gateway's own limit is 10 KiB)",
    intFromEnv(8 * 1024, 1024, 64 * 1024),
  ),
  IDEMPOTENCY_TTL_HOURS: setting(
    'How long an `Idempotency-Key` is remembered; after that the same key is a new request',
    intFromEnv(24, 1, 24 * 30),
  ),
  ADMIN_TOKEN: setting(
    "The operator's bearer token (POST /companies, GET /cluster, any company's keys); with neither it nor ADMIN_TOKEN_PARAMETER, operator routes are closed (401)",
    z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
  ),
  ADMIN_TOKEN_PARAMETER: setting(
    'On AWS: the SSM Parameter Store SecureString that holds the operator token, read on first use and kept for ADMIN_TOKEN_CACHE_SECONDS; ADMIN_TOKEN wins when both are set. `serverless.yml` sets `/distribushop/<stage>/admin-token` on a deployed stage',
    z.optional(
      z
        .string()
        .check(
          z.trim(),
          z.regex(
            /^\/[\w./-]{1,1010}$/,
            'must be an SSM parameter name such as /distribushop/prod/admin-token',
          ),
        ),
    ),
    { values: 'an SSM parameter name, `/...`' },
  ),
  ADMIN_TOKEN_CACHE_SECONDS: setting(
    'How long an instance keeps the token read from ADMIN_TOKEN_PARAMETER: a rotated token is seen within this time',
    intFromEnv(900, 0, 86_400),
  ),
  API_KEY_CACHE_SECONDS: setting(
    'How long an instance trusts a company key it has checked: every instance refuses a revoked key within this time, the one that revoked it at once; 0 checks every request',
    intFromEnv(30, 0, 30, 'must be a whole number of seconds from 0 to 30'),
  ),
  CORS_ORIGINS: setting(
    'Origins whose pages may call the public and storefront routes',
    list('origins, as `https://shop.example.com,https://www.example.com`', (origin) =>
      /^https?:\/\/[^/\s]+$/.test(origin)
        ? undefined
        : `"${origin}" is not an origin such as https://shop.example.com`,
    ),
    { unset: 'no cross-origin calls' },
  ),
  CONSOLE_DIR: setting(
    "The console's build (`web/dist`), which the console functions serve under `/console`",
    z.optional(nonEmpty('a folder')),
    { unset: 'the nearest `web/dist` above the working directory, then above the code' },
  ),
});

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const logSettings = () => ({
  LOG_LEVEL: setting(
    'The functions log one JSON line per request at `info`; the command lines that print a summary (`cluster`, `setup`, `maintenance`, `tenant`) log at `error` when it is unset',
    z._default(z.enum(LOG_LEVELS), 'info'),
  ),
});

/** Cluster setup (the setup function, `npm run setup`, `./init.sh`). */
const setupSettings = () => ({
  WORKER_HOSTS: setting(
    'Workers to register',
    list('`host:port,host:port`', (item) =>
      hostPort().safeParse(item).success ? undefined : `"${item}" is not host:port`,
    ),
  ),
  WORKER_SERVICE: setting(
    "A DNS name that resolves to every worker (docker compose's `worker` service)",
    z.optional(nonEmpty('a DNS name')),
  ),
  WORKER_PORT: setting('The port of the workers WORKER_SERVICE resolves to', intFromEnv(5432, 1, 65535)),
  WORKER_REGISTRATION: setting(
    "Who keeps pg_dist_node: `setup` registers WORKER_HOSTS and WORKER_SERVICE's workers and follows them; `patroni` (the high-availability mode) leaves it to Patroni, which registers each worker group's primary, and setup registers and removes none",
    z._default(z.enum(['setup', 'patroni'], { error: 'must be setup or patroni' }), 'setup'),
  ),
  EXPECTED_WORKERS: setting(
    'How many active workers setup must find',
    z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1000))),
    { unset: 'as many as were configured (with WORKER_REGISTRATION=patroni: as many as are registered)' },
  ),
  SETUP_WAIT_SECONDS: setting('How long setup waits for the coordinator', intFromEnv(60, 0, 3600)),
  WORKER_WAIT_SECONDS: setting(
    'How long setup waits for each configured worker to answer (for all of them at once) before it names it and stops',
    intFromEnv(10, 0, 3600),
  ),
  SETUP_REBALANCE: setting(
    "`auto`: after workers are added, setup starts Citus's background rebalancer; `off`: it only says one is needed",
    z._default(z.enum(['auto', 'off'], { error: 'must be auto or off' }), 'auto'),
  ),
  SQL_DIR: setting("The SQL bundle's folder", z.optional(nonEmpty('a folder')), {
    unset: 'the `sql/` folder nearest the code',
  }),
  COORDINATOR_URL: setting(
    "The coordinator as the workers reach it, when that differs from DATABASE_URL's host",
    z.optional(postgresUrl()),
    { unset: '`DATABASE_URL`' },
  ),
});

/** The coordinator's port of the local cluster; worker i listens on this + i. */
const DEFAULT_CLUSTER_PORT = 9700;

/** The local cluster launcher (`npm run cluster`, the test tiers). */
const localClusterSettings = () => ({
  CLUSTER_DIR: setting(
    "One directory for every node's data, logs and `cluster.json`",
    z.optional(nonEmpty('a folder')),
    { unset: '`.cluster/`' },
  ),
  CLUSTER_WORKERS: setting('Number of workers', intFromEnv(4, 1, 32, 'must be a whole number from 1 to 32')),
  CLUSTER_PORT: setting(
    'Coordinator port; worker i listens on port + i; 0 picks a free range',
    intFromEnv(DEFAULT_CLUSTER_PORT, 0, 65000, 'must be a port number'),
  ),
  CLUSTER_CITUS: setting(
    '`auto` uses Citus when installed, `on` requires it, `off` starts plain PostgreSQL',
    z._default(z.enum(['auto', 'on', 'off'], { error: 'must be auto, on or off' }), 'auto'),
  ),
  CLUSTER_DATABASE: setting(
    'The database created on every node',
    z._default(
      z.string().check(z.regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lowercase name')),
      'distribushop',
    ),
    { values: 'a plain lowercase name' },
  ),
  CLUSTER_FAST: setting('1 or true turns fsync off: for throwaway clusters only', flag()),
  CLUSTER_HA: setting(
    '1 or true starts the high-availability mode: each Citus group a Patroni primary with a synchronous standby, with etcd and HAProxy (docs/operations.md)',
    flag(),
  ),
  CLUSTER_USER: setting(
    'When run as root, the unprivileged user the servers run as',
    z._default(nonEmpty('a user name'), 'postgres'),
  ),
  CLUSTER_POOLER: setting(
    'PgBouncer in front of the coordinator: `auto` when installed, `on` requires it, `off` never',
    z._default(z.enum(['auto', 'on', 'off'], { error: 'must be auto, on or off' }), 'auto'),
  ),
  CLUSTER_POOLER_PORT: setting(
    "PgBouncer's port",
    z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(65535))),
    {
      unset: `the coordinator's port − 1 (${DEFAULT_CLUSTER_PORT - 1}), or a free one for a cluster on free ports`,
    },
  ),
  PG_BIN: setting('The PostgreSQL server binaries', z.optional(nonEmpty('a folder')), {
    unset: '`pg_config --bindir`, then the usual install locations',
  }),
  // The connection bounds the launcher's PgBouncer sets for the functions.
  ...connectionBoundsSettings(),
});

/** The benchmark (`npm run bench`): a running cluster to measure instead of a throwaway one. */
const benchSettings = () => ({
  DATABASE_URL: setting('A running cluster to measure', z.optional(postgresUrl()), {
    unset: 'a throwaway local cluster',
  }),
  FUNCTIONS_DATABASE_URL: setting(
    'Where the functions connect to that cluster, when not DATABASE_URL itself (a pooler in front of it; `--pooler`)',
    z.optional(postgresUrl()),
    { unset: '`DATABASE_URL`' },
  ),
});

/** Command-line behaviour. */
const cliSettings = () => ({
  CI: setting('Set in CI: plain progress lines instead of a progress bar', truthy()),
  DEBUG: setting('Print stack traces of failures', truthy()),
});

/**
 * Every setting by section, each section a function that builds its schemas: a section's
 * schema below is built on first use (`z.lazy`), so a function builds the sections it
 * reads when it first reads them, and never the launcher's or the benchmark's.
 */
export const settings = {
  database: databaseSettings,
  connectionBounds: connectionBoundsSettings,
  http: httpSettings,
  log: logSettings,
  setup: setupSettings,
  localCluster: localClusterSettings,
  bench: benchSettings,
  cli: cliSettings,
};

// Free of side effects for a bundler too: a section no code reads is left out of a bundle.
/* @__NO_SIDE_EFFECTS__ */
const section = <S extends z.core.$ZodLooseShape>(shape: () => S) => z.lazy(() => z.object(shape()));

export const databaseSection = section(databaseSettings);
export const connectionBoundsSection = section(connectionBoundsSettings);
export const logSection = section(logSettings);
export const localClusterSection = section(localClusterSettings);
export const benchSection = section(benchSettings);
export const cliSection = section(cliSettings);
/** What a function needs: the database, the HTTP settings, logging and setup. */
export const configSchema = section(() => ({
  ...databaseSettings(),
  ...httpSettings(),
  ...logSettings(),
  ...setupSettings(),
}));

export type Config = z.infer<typeof configSchema>;
export type DbConfig = z.infer<typeof databaseSection>;
export type LocalClusterConfig = z.infer<typeof localClusterSection>;
export type CliConfig = z.infer<typeof cliSection>;
export type BenchConfig = z.infer<typeof benchSection>;
export type ConnectionBounds = z.infer<typeof connectionBoundsSection>;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parse<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  // An empty variable means unset (serverless.yml passes unset variables through as '').
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Parses a function's configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parse(configSchema, env);
}

/** The local cluster launcher's settings. */
export function loadLocalClusterConfig(env: NodeJS.ProcessEnv = process.env): LocalClusterConfig {
  return parse(localClusterSection, env);
}

/** The benchmark's settings. */
export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  return parse(benchSection, env);
}

/** The command line's settings. */
export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  return parse(cliSection, env);
}

let cached: Config | undefined;

/** The configuration of this process, parsed on first use and kept. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

let cachedLevel: LogLevel | undefined;
let unsetLevel: LogLevel = 'info';

/** LOG_LEVEL alone: logging must work before (and without) the rest of the configuration. */
export function logLevel(): LogLevel {
  cachedLevel ??= parse(logSection, { LOG_LEVEL: process.env.LOG_LEVEL || unsetLevel }).LOG_LEVEL;
  return cachedLevel;
}

/**
 * The level this process logs at when LOG_LEVEL is unset: a command line whose summary
 * says what happened passes `error`, so that the slow statements it expects stay quiet.
 */
export function setDefaultLogLevel(level: LogLevel): void {
  unsetLevel = level;
  cachedLevel = undefined;
}
