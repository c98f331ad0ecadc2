/**
 * What the command-line entry points share: their common ending (exit with main's code, or
 * say why it failed and exit 1), and the cluster a command works on with its database.
 */
import {
  type Config,
  type LogLevel,
  loadCliConfig,
  loadConfig,
  loadLocalClusterConfig,
  setDefaultLogLevel,
} from '../lib/config';
import type { Db } from '../lib/db';
import { databaseError } from '../lib/db/errors';
import { type OperatorDbOptions, operatorDb } from '../lib/db/operator';
import { type ClusterState, clusterDir, readState, setupEnvironment } from './local-cluster';

/** The whole message of whatever was thrown: setup's carries its summary on the lines after the first. */
function errorText(error: unknown): string {
  const fields = databaseError(error);
  return fields?.message || fields?.code || String(error);
}

export interface CliOptions {
  /**
   * The level to log at unless LOG_LEVEL says otherwise: `error` for a command whose output
   * says what happened, and whose slow statements are expected.
   */
  logLevel?: LogLevel;
}

/** Runs `main`; `name` starts the failure line (`setup failed: ...`). DEBUG=1 adds the stack. */
export function runCli(name: string, main: () => Promise<number>, options: CliOptions = {}): void {
  if (options.logLevel) setDefaultLogLevel(options.logLevel);
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name}: ${errorText(error)}`);
      const stack = (error as { stack?: unknown } | null)?.stack;
      if (loadCliConfig().DEBUG && typeof stack === 'string') console.error(stack);
      process.exit(1);
    },
  );
}

export interface OperationsTarget {
  cfg: Config;
  /** The local cluster, when the command works on it (DATABASE_URL is unset and one is started). */
  local: ClusterState | null;
}

/**
 * The cluster a command that works on any cluster works on: DATABASE_URL's, or the local
 * cluster's (and its workers) when DATABASE_URL is unset.
 */
export async function operationsTarget(env: NodeJS.ProcessEnv = process.env): Promise<OperationsTarget> {
  const local = env.DATABASE_URL ? null : await readState(clusterDir(loadLocalClusterConfig(env)));
  if (!local) return { cfg: loadConfig(env), local: null };
  const { DATABASE_URL, ...workers } = setupEnvironment(local);
  const cfg = loadConfig({ ...workers, ...env, DATABASE_URL });
  return { cfg, local };
}

/**
 * Runs `work` with an operator's database of its own on operationsTarget()'s cluster:
 * without a statement timeout (shard moves take as long as they take), closed at the end.
 * `target` replaces the cluster found (after a worker was added, say).
 */
export async function withOperationsDb<T>(
  work: (db: Db, cfg: Config) => Promise<T>,
  options: Partial<OperatorDbOptions> & { target?: OperationsTarget } = {},
): Promise<T> {
  const { target, ...dbOptions } = options;
  const { cfg } = target ?? (await operationsTarget());
  const db = operatorDb(cfg, { name: 'distribushop-cli', poolMax: 4, ...dbOptions });
  try {
    return await work(db, cfg);
  } finally {
    await db.close();
  }
}
