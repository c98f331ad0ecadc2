/** `npm run setup`: cluster setup from the command line; a readable summary, or a clear error and exit 1. */
// Slow-statement warnings are expected while the bundle runs; the summary says what happened.
process.env.LOG_LEVEL ??= 'error';

async function main(): Promise<number> {
  const { formatSummary, setupCluster } = await import('../lib/cluster/setup');
  const { closePool } = await import('../lib/db');
  try {
    const summary = await setupCluster();
    console.log(formatSummary(summary));
    return 0;
  } finally {
    await closePool();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`setup failed: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
    process.exit(1);
  },
);
