/** The command-line entry points' common ending: exit with main's code, or say why it failed and exit 1. */
import { type Config, loadCliConfig, loadConfig } from '../lib/config';
import { createDb, type Db } from '../lib/db';
import { databaseError } from '../lib/db/errors';
import { databaseUrl, optionsFromEnv, readState, workerHosts } from './local-cluster';

/** The whole message of whatever was thrown: setup's carries its summary on the lines after the first. */
function errorText(error: unknown): string {
  const fields = databaseError(error);
  return fields?.message || fields?.code || String(error);
}

/** Runs `main`; `name` starts the failure line (`setup failed: ...`). DEBUG=1 adds the stack. */
export function runCli(name: string, main: () => Promise<number>): void {
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

/**
 * The configuration of a command that works on any cluster: DATABASE_URL, or the local
 * cluster's (and its workers) when DATABASE_URL is unset.
 */
export function operationsConfig(): Config {
  const env = { ...process.env };
  if (!env.DATABASE_URL) {
    const state = readState(optionsFromEnv().dir);
    if (state) {
      env.DATABASE_URL = databaseUrl(state);
      env.WORKER_HOSTS ??= workerHosts(state);
    }
  }
  return loadConfig(env);
}

/**
 * Runs `work` with a database of its own at operationsConfig()'s URL, without a statement
 * timeout (shard moves take as long as they take), closed at the end.
 */
export async function withOperationsDb<T>(work: (db: Db, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = operationsConfig();
  const db = createDb(
    { ...cfg, DB_POOL_MAX: 4, DB_STATEMENT_TIMEOUT_MS: 0 },
    { applicationName: 'distribushop-cli' },
  );
  try {
    return await work(db, cfg);
  } finally {
    await db.close();
  }
}
