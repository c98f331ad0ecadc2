/**
 * The seed job: fills the cluster with the Citus tutorial's files or a generated shop.
 * Its schedule is disabled by default (serverless.yml); invoke it by hand with
 * `sls invoke local -f seed --data '{"companies": 100, "reset": true}'`.
 *
 * The event is the seed options (the command line's flags in camelCase). A scheduled
 * event without an input, or an empty one, seeds the demo shop only into an empty database.
 */
import { log } from '../../lib/log';
import { resolveSeedRequest } from '../../lib/seed/options';
import { lineProgress } from '../../lib/seed/progress';
import { formatSeedSummary, runSeed, type SeedSummary } from '../../lib/seed/run';

/** EventBridge's own envelope: what a schedule without `input` delivers. */
function isScheduleEnvelope(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'detail-type' in event && 'source' in event;
}

export const handler = async (event: unknown): Promise<SeedSummary> => {
  const request =
    event === undefined ||
    event === null ||
    isScheduleEnvelope(event) ||
    (typeof event === 'object' && Object.keys(event).length === 0)
      ? { demo: true, ifEmpty: true }
      : event;
  const job = resolveSeedRequest(request);
  const summary = await runSeed(job, {
    progress: (total) => lineProgress(total, (line) => log.info(line), 10_000),
  });
  log.info('seed done', { summary: formatSeedSummary(summary) });
  return summary;
};
