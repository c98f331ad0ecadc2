/** The line that says which test tier ran, so a skipped Citus tier is never mistaken for a pass. */
export function banner(): string {
  if (process.env.TEST_CITUS === '1') {
    return `\n== Citus tier: RUNNING against a coordinator and ${process.env.TEST_WORKERS} workers (${process.env.DATABASE_URL}) ==\n`;
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
