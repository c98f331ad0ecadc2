/**
 * The maintenance job, on a schedule (hourly by default, serverless.yml): recover
 * prepared transactions, rebalance, analyze, purge expired idempotency keys, roll up ad
 * statistics. The event may name the steps: `{"only": ["analyze"]}`. The invocation
 * fails (an error result) when any step failed; every step runs regardless.
 */
import { config } from '../../lib/config';
import { operatorDb } from '../../lib/db/operator';
import {
  formatMaintenanceReport,
  MAINTENANCE_STEPS,
  type MaintenanceOptions,
  type MaintenanceReport,
  runMaintenance,
} from '../../lib/jobs/maintenance';
import { isScheduleEnvelope } from '../../lib/jobs/schedule';
import { log } from '../../lib/log';
import * as z from '../../lib/zod';

const eventSchema = z.strictObject({
  only: z.optional(z.array(z.enum(MAINTENANCE_STEPS)).check(z.minLength(1))),
});

/** The steps an event asks for (all when it names none); throws for an event it cannot read. */
export function stepsFromEvent(event: unknown): MaintenanceOptions['only'] {
  if (event === undefined || event === null || isScheduleEnvelope(event)) return undefined;
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(
      `maintenance: the event must be {"only": [steps]} with steps from ${MAINTENANCE_STEPS.join(', ')}`,
    );
  }
  return parsed.data.only;
}

export const handler = async (event: unknown): Promise<MaintenanceReport> => {
  const only = stepsFromEvent(event);
  // Its own database: maintenance statements may run far longer than a request may.
  const database = operatorDb(config(), {
    name: 'distribushop-maintenance',
    poolMax: 1,
    statementTimeoutMs: 600_000,
  });
  try {
    const report = await runMaintenance(database, { only });
    const summary = formatMaintenanceReport(report);
    log.info('maintenance done', { summary });
    if (!report.ok) throw new Error(summary);
    return report;
  } finally {
    await database.close();
  }
};
