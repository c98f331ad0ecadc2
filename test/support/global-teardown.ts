import { stopCluster } from '../../infra/local-cluster';
import { banner, haBanner } from './tier-banner';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.TEST_CLUSTER_DIR;
  if (dir) {
    await stopCluster(dir, { destroy: true });
    delete process.env.TEST_CLUSTER_DIR;
  }
  if (process.env.TEST_CITUS === '0') console.log(banner());
  else if (process.env.TEST_HA === '0') console.log(haBanner());
}
