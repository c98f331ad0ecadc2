/**
 * Test tiers. `describeCitus` blocks run only against a Citus cluster and are reported
 * as skipped otherwise; `describePlain` blocks run only on plain PostgreSQL.
 */
export const hasCitus = process.env.TEST_CITUS === '1';
export const workerCount = Number(process.env.TEST_WORKERS ?? 0);

export const describeCitus = hasCitus ? describe : describe.skip;
export const describePlain = hasCitus ? describe.skip : describe;
