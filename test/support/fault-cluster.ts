/**
 * A small cluster of a test file's own, for faults the shared test cluster must not see:
 * its coordinator is stopped, restarted and frozen while the file's requests run. It is
 * a coordinator and one worker with Citus (one plain node without), set up like a new
 * cluster, and destroyed at the end.
 *
 * The servers are controlled with pg_ctl and signals, as the launcher's state file
 * describes them (binaries, data directories under the cluster's folder, the servers'
 * user), from the test side.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  type ClusterState,
  databaseUrl,
  optionsFromEnv,
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

/** The postmaster and every process it started. */
function processesOf(dataDir: string): number[] {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after ")".
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
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
  let frozen: number[] = [];
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
      frozen = processesOf(dataDir);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thawCoordinator: () => {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone meanwhile
        }
      }
      frozen = [];
    },
    destroy: () => {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      stopCluster(dir, { destroy: true });
    },
  };
}
