/**
 * Starts the cluster the integration and end-to-end tests run against, unless
 * DATABASE_URL is set, and runs setup on it. With Citus installed: a coordinator and
 * workers (CLUSTER_WORKERS, default 4); without it (or CLUSTER_CITUS=off): one plain
 * PostgreSQL node, and the Citus-only tests are skipped, loudly.
 *
 * The test files run in other processes (jest's workers), which learn about the cluster
 * from the environment: this is the one place that writes it.
 */
import { randomBytes } from 'node:crypto';
import { haPrograms } from '../../infra/local-cluster';
import { type SetupSummary, setupCluster } from '../../lib/cluster/setup';
import { loadConfig } from '../../lib/config';
import { startThrowaway } from './throwaway-cluster';
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
  let summary: SetupSummary;
  if (process.env.DATABASE_URL) {
    summary = await setupCluster(loadConfig());
  } else {
    // Stopped and removed by global-teardown.ts, which finds it by TEST_CLUSTER_DIR.
    const cluster = await startThrowaway({ database: 'distribushop_test' });
    summary = cluster.summary;
    Object.assign(process.env, cluster.env);
    // PgBouncer in front of the coordinator, when installed: the pooler tests use it.
    if (cluster.functionsUrl !== cluster.url) process.env.TEST_POOLER_URL = cluster.functionsUrl;
    process.env.TEST_CLUSTER_DIR = cluster.dir;
  }
  process.env.TEST_CITUS = summary.mode === 'citus' ? '1' : '0';
  process.env.TEST_WORKERS = String(summary.workers.length);
  // The high-availability tests start a cluster of their own, with Patroni, etcd and HAProxy.
  process.env.TEST_HA = haPrograms().missing.length === 0 ? '1' : '0';
  process.env.TEST_CLUSTER_READY = '1';
  console.log(banner());
}
