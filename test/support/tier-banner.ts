import { haPrograms } from '../../infra/local-cluster';

/** The line that says which test tier ran, so a skipped Citus tier is never mistaken for a pass. */
export function banner(): string {
  if (process.env.TEST_CITUS === '1') {
    const ha = process.env.TEST_HA === '1' ? 'RUNNING' : 'SKIPPED (see the end of the run)';
    return `\n== Citus tier: RUNNING against a coordinator and ${process.env.TEST_WORKERS} workers (${process.env.DATABASE_URL}); high-availability tests: ${ha} ==\n`;
  }
  return [
    '',
    '!! ============================================================================ !!',
    '!! CITUS NOT AVAILABLE: plain PostgreSQL tier only.                              !!',
    '!! Every Citus-only assertion (distribution, co-location, shard placement,       !!',
    '!! router plans) is SKIPPED, not passed. Install Citus to run the Citus tier.    !!',
    '!! ============================================================================ !!',
    '',
  ].join('\n');
}

/** The line that says the high-availability tests were skipped, and why. */
export function haBanner(): string {
  const missing = haPrograms().missing.join(', ');
  return [
    '',
    '!! ============================================================================ !!',
    '!! HIGH AVAILABILITY NOT TESTED: the failover tests are SKIPPED, not passed.     !!',
    `!! Missing: ${missing.padEnd(68)}!!`,
    '!! Install them (Debian: apt-get install patroni etcd-server haproxy).          !!',
    '!! ============================================================================ !!',
    '',
  ].join('\n');
}
