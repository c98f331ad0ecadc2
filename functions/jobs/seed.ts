/**
 * The seed job: fills the cluster with the Citus tutorial's files or a generated shop.
 * Its schedule is disabled by default (serverless.yml); invoke it by hand with
 * `sls invoke local -f seed --data '{"companies": 100, "reset": true}'`.
 *
 * The event is the seed options (the command line's flags in camelCase). A scheduled
 * event without an input, or an empty one, seeds the demo shop only into an empty database.
 */

import { isScheduleEnvelope } from '../../lib/jobs/schedule';
import { resolveSeedRequest, type SeedJob } from '../../lib/jobs/seed/options';
import { lineProgress } from '../../lib/jobs/seed/progress';
import { formatSeedSummary, runSeed, type SeedSummary } from '../../lib/jobs/seed/run';
import { log } from '../../lib/log';

/** The seed job an event asks for; throws SeedUsageError for bad options. */
export function jobFromEvent(event: unknown): SeedJob {
  const empty =
    event === undefined ||
    event === null ||
    isScheduleEnvelope(event) ||
    (typeof event === 'object' && Object.keys(event).length === 0);
  return resolveSeedRequest(empty ? { demo: true, ifEmpty: true } : event);
}

export const handler = async (event: unknown): Promise<SeedSummary> => {
  const summary = await runSeed(jobFromEvent(event), {
    progress: (total) => lineProgress(total, (line) => log.info(line), 10_000),
  });
  log.info('seed done', { summary: formatSeedSummary(summary) });
  return summary;
};
