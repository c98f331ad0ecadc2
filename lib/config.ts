/**
 * Configuration: every environment variable the code reads, parsed with zod. A missing
 * or malformed variable fails at first use with a message that names it. Nothing here
 * runs at import: each reader parses on its first call and keeps the result.
 *
 * The variables come in sections, so that a tool reads only what it needs (the local
 * cluster launcher needs no DATABASE_URL; a request needs no launcher setting).
 */
import { z } from 'zod';

/** A whole number from min to max, `fallback` when unset; `message` (when given) for any bad value. */
const intFromEnv = (fallback: number, min: number, max: number, message?: string) =>
  z.coerce
    .number(message === undefined ? undefined : { error: message })
    .int(message)
    .min(min, message)
    .max(max, message)
    .default(fallback);

const flag = z
  .enum(['1', 'true', '0', 'false'], { error: 'must be 1, true, 0 or false' })
  .optional()
  .transform((v) => v === '1' || v === 'true');

const postgresUrl = z
  .string()
  .trim()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

const hostPort = z
  .string()
  .trim()
  .regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port');

/** The database every function connects to: the Citus coordinator. */
export const databaseSection = z.object({
  DATABASE_URL: z
    .string({
      error: 'is required: the connection URL of the Citus coordinator (postgres://user@host:port/db)',
    })
    .pipe(postgresUrl),
  /**
   * Connections per function instance. One: a Lambda instance serves one request at a
   * time, and every instance holds its own, so more would only multiply idle connections.
   */
  DB_POOL_MAX: intFromEnv(1, 1, 100),
  DB_CONNECT_TIMEOUT_MS: intFromEnv(5_000, 100, 120_000),
  DB_IDLE_TIMEOUT_MS: intFromEnv(10_000, 100, 600_000),
  /** Bounds every statement of a request, lock waits and a hung worker included. */
  DB_STATEMENT_TIMEOUT_MS: intFromEnv(2_500, 100, 3_600_000),
  /** Citus's connection timeout from the coordinator to a worker, for these sessions (Citus's own default: 30 s). */
  DB_NODE_CONNECT_TIMEOUT_MS: intFromEnv(1_500, 100, 60_000),
});

/**
 * The bounds of a function's connection that cannot travel as startup parameters through a
 * transaction pooler: PgBouncer sets them on each server connection instead.
 */
export const connectionBoundsSection = databaseSection.pick({
  DB_STATEMENT_TIMEOUT_MS: true,
  DB_NODE_CONNECT_TIMEOUT_MS: true,
});

/** The HTTP functions. */
export const httpSection = z.object({
  MAX_BODY_BYTES: intFromEnv(64 * 1024, 1024, 6 * 1024 * 1024),
  /** Header names and values together; API Gateway's own limit is 10 KiB. */
  MAX_HEADER_BYTES: intFromEnv(8 * 1024, 1024, 64 * 1024),
  /** How long an Idempotency-Key is remembered; after that the same key is a new request. */
  IDEMPOTENCY_TTL_HOURS: intFromEnv(24, 1, 24 * 30),
  /**
   * The operator's bearer token (POST /companies, GET /cluster, any company's keys). Unset,
   * and with no ADMIN_TOKEN_PARAMETER either, operator routes are closed (401).
   */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * On AWS: the SSM Parameter Store name (a SecureString) that holds the operator token,
   * read on first use and kept for ADMIN_TOKEN_CACHE_SECONDS. ADMIN_TOKEN wins when both are set.
   */
  ADMIN_TOKEN_PARAMETER: z
    .string()
    .trim()
    .regex(/^\/[\w./-]{1,1010}$/, 'must be an SSM parameter name such as /distribushop/prod/admin-token')
    .optional(),
  /** How long an instance keeps the token read from ADMIN_TOKEN_PARAMETER (a rotated token is seen within this). */
  ADMIN_TOKEN_CACHE_SECONDS: intFromEnv(900, 0, 86_400),
  /**
   * How long an instance trusts a company key it has checked: a revoked key is refused by
   * every instance within this time (at once by the instance that revoked it). 0: check every request.
   */
  API_KEY_CACHE_SECONDS: intFromEnv(30, 0, 30, 'must be a whole number of seconds from 0 to 30'),
  /**
   * Origins a browser may call the public and storefront routes from (CORS), as
   * `https://shop.example.com,https://www.example.com`; unset: no cross-origin calls.
   */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const origins = (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const origin of origins) {
        if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${origin}" is not an origin such as https://shop.example.com`,
          });
        }
      }
      return origins;
    }),
  /** The console's build (web/dist) the console functions serve; default: the nearest one above the code. */
  CONSOLE_DIR: z.string().trim().min(1).optional(),
});

const logLevels = z.enum(['debug', 'info', 'warn', 'error', 'silent']);

export const logSection = z.object({
  LOG_LEVEL: logLevels.default('info'),
});

/** Cluster setup (the setup function, `npm run setup`, `./init.sh`). */
export const setupSection = z.object({
  /** Workers to register, as `host:port,host:port`. */
  WORKER_HOSTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const items = (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const item of items) {
        const parsed = hostPort.safeParse(item);
        if (!parsed.success) ctx.addIssue({ code: 'custom', message: `"${item}" is not host:port` });
      }
      return items;
    }),
  /** A DNS name that resolves to every worker (the `worker` service under docker compose). */
  WORKER_SERVICE: z.string().trim().min(1).optional(),
  WORKER_PORT: intFromEnv(5432, 1, 65535),
  /** How many active workers setup must find; default: as many as were configured. */
  EXPECTED_WORKERS: z.coerce.number().int().min(0).max(1000).optional(),
  SETUP_WAIT_SECONDS: intFromEnv(60, 0, 3600),
  /** How long setup waits for each configured worker to answer before it names it and stops. */
  WORKER_WAIT_SECONDS: intFromEnv(10, 0, 3600),
  /** `auto`: after workers are added, setup starts Citus's background rebalancer; `off`: it only says one is needed. */
  SETUP_REBALANCE: z.enum(['auto', 'off'], { error: 'must be auto or off' }).default('auto'),
  /** The SQL bundle's folder; default: the `sql/` folder nearest the code. */
  SQL_DIR: z.string().trim().min(1).optional(),
  /** The coordinator as the workers reach it, when that differs from DATABASE_URL's host. */
  COORDINATOR_URL: postgresUrl.optional(),
});

/** The local cluster launcher (`npm run cluster`, the test tiers). */
export const localClusterSection = z.object({
  /** One directory for every node's data, logs and `cluster.json`; default `.cluster/`. */
  CLUSTER_DIR: z.string().trim().min(1).optional(),
  CLUSTER_WORKERS: intFromEnv(4, 1, 32, 'must be a whole number from 1 to 32'),
  /** Coordinator port; worker i listens on port + i; 0 picks a free range. */
  CLUSTER_PORT: intFromEnv(9700, 0, 65000, 'must be a port number'),
  CLUSTER_CITUS: z.enum(['auto', 'on', 'off'], { error: 'must be auto, on or off' }).default('auto'),
  CLUSTER_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lowercase name')
    .default('distribushop'),
  /** fsync off: for throwaway clusters only. */
  CLUSTER_FAST: flag,
  /** When run as root, the unprivileged user the servers run as. */
  CLUSTER_USER: z.string().trim().min(1).default('postgres'),
  /** PgBouncer in front of the coordinator: `auto` when installed, `on` requires it, `off` never. */
  CLUSTER_POOLER: z.enum(['auto', 'on', 'off'], { error: 'must be auto, on or off' }).default('auto'),
  /** PgBouncer's port; default the coordinator's port - 1 (a free one for a cluster on free ports). */
  CLUSTER_POOLER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** The PostgreSQL server binaries; default `pg_config --bindir`, then the usual locations. */
  PG_BIN: z.string().trim().min(1).optional(),
  /** The connection bounds the launcher's PgBouncer sets for the functions. */
  ...connectionBoundsSection.shape,
});

/** The benchmark (`npm run bench`): a running cluster to measure instead of a throwaway one. */
export const benchSection = z.object({
  DATABASE_URL: postgresUrl.optional(),
  /** Where the functions connect to that cluster, when not DATABASE_URL itself (a pooler in front of it). */
  FUNCTIONS_DATABASE_URL: postgresUrl.optional(),
});

/** Set unless absent, empty, `0` or `false` (how CI systems and DEBUG are usually set). */
const truthy = z
  .string()
  .optional()
  .transform((v) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false');

/** Command-line behaviour. */
export const cliSection = z.object({
  /** Set in CI: plain progress lines instead of a progress bar. */
  CI: truthy,
  /** Print stack traces of failures. */
  DEBUG: truthy,
});

/** What a function needs: the database, the HTTP settings, logging and setup. */
export const configSchema = databaseSection
  .extend(httpSection.shape)
  .extend(logSection.shape)
  .extend(setupSection.shape);

export type Config = z.infer<typeof configSchema>;
export type DbConfig = z.infer<typeof databaseSection>;
export type LocalClusterConfig = z.infer<typeof localClusterSection>;
export type CliConfig = z.infer<typeof cliSection>;
export type BenchConfig = z.infer<typeof benchSection>;
export type ConnectionBounds = z.infer<typeof connectionBoundsSection>;
export type LogLevel = z.infer<typeof logLevels>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parse<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
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
