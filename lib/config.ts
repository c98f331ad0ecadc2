/**
 * Configuration: the environment, parsed once with zod. A missing or malformed
 * variable fails at cold start with a message that names it.
 */
import { z } from 'zod';

const intFromEnv = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const hostPort = z
  .string()
  .trim()
  .regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port');

export const configSchema = z.object({
  DATABASE_URL: z
    .string({
      error: 'is required: the connection URL of the Citus coordinator (postgres://user@host:port/db)',
    })
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DB_POOL_MAX: intFromEnv(5, 1, 100),
  DB_CONNECT_TIMEOUT_MS: intFromEnv(5_000, 100, 120_000),
  DB_IDLE_TIMEOUT_MS: intFromEnv(10_000, 100, 600_000),
  DB_STATEMENT_TIMEOUT_MS: intFromEnv(15_000, 100, 3_600_000),
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
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  MAX_BODY_BYTES: intFromEnv(64 * 1024, 1024, 6 * 1024 * 1024),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means unset (serverless.yml passes unset variables through as '').
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

let cached: Config | undefined;

/** The configuration of this process, parsed on first use and kept. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
