/**
 * Test tiers. `describeCitus` blocks run only against a Citus cluster and are reported
 * as skipped otherwise; `describePlain` blocks run only on plain PostgreSQL.
 */
export const hasCitus = process.env.TEST_CITUS === '1';
export const workerCount = Number(process.env.TEST_WORKERS ?? 0);

export const describeCitus = hasCitus ? describe : describe.skip;

/**
 * The high-availability mode's tests (Patroni, etcd and HAProxy installed, on the Citus
 * tier) run in blocks of `describeHa`, reported as skipped otherwise, loudly (tier-banner.ts).
 */
export const hasHa = hasCitus && process.env.TEST_HA === '1';
export const describeHa = hasHa ? describe : describe.skip;
export const describePlain = hasCitus ? describe.skip : describe;
