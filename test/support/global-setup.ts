/**
 * Starts the cluster the integration and end-to-end tests run against, unless
 * DATABASE_URL is set, and runs setup on it. With Citus installed: a coordinator and
 * workers (CLUSTER_WORKERS, default 4); without it (or CLUSTER_CITUS=off): one plain
 * PostgreSQL node, and the Citus-only tests are skipped, loudly.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  databaseUrl,
  functionsDatabaseUrl,
  optionsFromEnv,
  startCluster,
  stopCluster,
  workerHosts,
} from '../../infra/local-cluster';
import { setupCluster } from '../../lib/cluster/setup';
import { loadConfig } from '../../lib/config';
import { banner } from './tier-banner';

export default async function globalSetup(): Promise<void> {
  // Both test projects share one cluster; the second call finds it.
  if (process.env.TEST_CLUSTER_READY === '1') return;
  process.env.LOG_LEVEL ??= 'error';
  // The run's operator token: new for every run, so that none is written in a test file, and
  // test/support/after-env.ts can look for it in every log line.
  process.env.ADMIN_TOKEN ??= `test-operator-${randomBytes(16).toString('hex')}`;
  // A test process invokes handlers in parallel, as many function instances would, each
  // with its one connection: its one pool needs as many.
  process.env.DB_POOL_MAX ??= '20';
  // The cluster and every test process run outside UTC, so that a time that follows the
  // process's or the server's zone instead of UTC fails a test (test/integration/api/time-zones.test.ts).
  process.env.TZ = 'Asia/Tokyo';
  if (!process.env.DATABASE_URL) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-test-'));
    const defaults = optionsFromEnv();
    const state = await startCluster({
      ...defaults,
      dir,
      port: 0,
      database: 'distribushop_test',
      fast: true,
      log: () => {},
    });
    process.env.DATABASE_URL = databaseUrl(state);
    process.env.WORKER_HOSTS = workerHosts(state);
    // PgBouncer in front of the coordinator, when installed: the pooler tests use it.
    if (state.pooler) process.env.TEST_POOLER_URL = functionsDatabaseUrl(state);
    process.env.TEST_CLUSTER_DIR = dir;
  }
  try {
    const summary = await setupCluster(loadConfig());
    process.env.TEST_CITUS = summary.mode === 'citus' ? '1' : '0';
    process.env.TEST_WORKERS = String(summary.workers.length);
  } catch (error: unknown) {
    // Jest runs no teardown when the setup fails: do not leave the servers behind.
    if (process.env.TEST_CLUSTER_DIR) stopCluster(process.env.TEST_CLUSTER_DIR, { destroy: true });
    throw error;
  }
  process.env.TEST_CLUSTER_READY = '1';
  console.log(banner());
}
