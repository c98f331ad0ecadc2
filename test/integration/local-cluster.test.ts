import { clusterOptions, localProcesses, readState, startCluster } from '../../infra/local-cluster';
import { loadLocalClusterConfig } from '../../lib/config';

const dir = process.env.TEST_CLUSTER_DIR;
// The launcher is under test only when this run started its own cluster (no DATABASE_URL given).
const describeLauncher = dir ? describe : describe.skip;

describeLauncher('local cluster launcher', () => {
  it('should find the running cluster when started twice', async () => {
    const before = await readState(dir as string);
    const again = await startCluster(
      clusterOptions(loadLocalClusterConfig(), { dir: dir as string, port: 0, log: () => {} }),
    );
    expect(again).toEqual(before);
    const status = await localProcesses(dir as string);
    expect(status?.nodes.every((n) => n.running)).toBe(true);
    expect(status?.nodes).toHaveLength(again.citus ? again.workers.length + 1 : 1);
  });
});
