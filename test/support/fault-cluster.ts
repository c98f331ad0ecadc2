/**
 * A small cluster of a test file's own, for faults the shared test cluster must not see:
 * its coordinator is stopped, restarted and frozen while the file's requests run. It is
 * a coordinator and one worker with Citus (one plain node without), set up like a new
 * cluster, and destroyed at the end.
 *
 * The coordinator is stopped and started with pg_ctl run asynchronously (the launcher's
 * own stop and start would block the event loop that serves the file's requests), and
 * frozen and thawed with the launcher's signals.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  type ClusterState,
  databaseUrl,
  optionsFromEnv,
  signalNode,
  startCluster,
  stopCluster,
  workerHosts,
} from '../../infra/local-cluster';
import { setupCluster } from '../../lib/cluster/setup';
import { loadConfig } from '../../lib/config';

const run = promisify(execFile);

export interface FaultCluster {
  state: ClusterState;
  /** The coordinator's connection URL. */
  url: string;
  /** Stops the coordinator (fast shutdown: sessions are ended), waits until it is down. */
  stopCoordinator(): Promise<void>;
  /** Starts the coordinator again and waits until it accepts connections. */
  startCoordinator(): Promise<void>;
  /** Stops every process of the coordinator (SIGSTOP): it keeps its sockets and answers nothing. */
  freezeCoordinator(): void;
  thawCoordinator(): void;
  destroy(): void;
}

/** uid and gid of the servers' user when running as root; the servers refuse root. */
async function account(user: string): Promise<{ uid?: number; gid?: number }> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = async (flag: string) => Number((await run('id', [flag, user])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

export async function startFaultCluster(): Promise<FaultCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-faults-'));
  let state: ClusterState;
  try {
    state = await startCluster({ ...optionsFromEnv(), dir, port: 0, workers: 1, fast: true, log: () => {} });
    await setupCluster(
      loadConfig({
        ...process.env,
        DATABASE_URL: databaseUrl(state),
        WORKER_HOSTS: workerHosts(state),
        WORKER_SERVICE: '',
        EXPECTED_WORKERS: String(state.workers.length),
      }),
    );
  } catch (error: unknown) {
    stopCluster(dir, { destroy: true });
    throw error;
  }
  const user = await account(state.user);
  const dataDir = path.join(state.dir, state.coordinator.name);
  const pgCtl = (args: string[]) =>
    run(path.join(state.pgBin, 'pg_ctl'), args, {
      ...user,
      cwd: '/',
      env: { ...process.env, HOME: state.dir },
    });
  return {
    state,
    url: databaseUrl(state),
    stopCoordinator: async () => {
      await pgCtl(['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']);
    },
    startCoordinator: async () => {
      const log = path.join(state.dir, 'logs', `${state.coordinator.name}.log`);
      await pgCtl(['start', '-D', dataDir, '-l', log, '-w', '-t', '60']);
    },
    freezeCoordinator: () => {
      signalNode(dir, state.coordinator.name, 'SIGSTOP');
    },
    thawCoordinator: () => {
      signalNode(dir, state.coordinator.name, 'SIGCONT');
    },
    // stopCluster thaws a frozen node before it stops it.
    destroy: () => stopCluster(dir, { destroy: true }),
  };
}
