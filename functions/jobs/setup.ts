/**
 * The setup job: registers the workers, applies the SQL bundle, verifies the cluster.
 * Invoke it once after the cluster starts (sls invoke local -f setup, or npm run setup).
 */
import { formatSummary, type SetupSummary, setupCluster } from '../../lib/cluster/setup';
import { log } from '../../lib/log';

export const handler = async (): Promise<SetupSummary> => {
  const summary = await setupCluster();
  log.info('cluster setup done', { summary: formatSummary(summary) });
  return summary;
};
