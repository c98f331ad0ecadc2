/**
 * Powertools' development mode for every test file: its Logger writes through the global
 * console, which the tests watch for secrets and capture (in production it writes to
 * stdout through a console of its own), pretty-printed; and its Metrics write nothing
 * unless a test turns them on with POWERTOOLS_METRICS_DISABLED=false.
 */
process.env.POWERTOOLS_DEV ??= 'true';
