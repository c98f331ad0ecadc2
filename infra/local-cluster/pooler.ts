/**
 * PgBouncer in front of the coordinator, in transaction mode, as the functions should
 * reach any Citus cluster: many function instances, each with its own connection, share
 * a bounded number of the coordinator's. Started when it is installed (Debian's
 * `pgbouncer` package) unless turned off; without it the functions connect to the
 * coordinator directly, and the state says why.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectionBounds } from '../../lib/config';
import { POOLER_POOL_SIZE, pgbouncerIni } from '../pgbouncer/ini';
import { giveTo, runAs, type ServerAccount } from './account';
import { findPgBouncer } from './binaries';
import { daemonPid } from './daemon';
import type { PoolerMode } from './options';
import { findFreePortRange, LOOPBACK, portIsFree, waitFor } from './ports';
import { type ClusterState, SUPERUSER } from './state';

export interface PoolerOptions {
  mode: PoolerMode;
  /** PgBouncer's port; default the coordinator's port - 1, or a free one when the cluster's ports were picked free. */
  port?: number;
  freePorts: boolean;
  /** The functions' connection bounds, which PgBouncer sets on every server connection. */
  bounds: ConnectionBounds;
  log: (line: string) => void;
}

function poolerFiles(state: Pick<ClusterState, 'dir'>) {
  const dir = path.join(state.dir, 'pgbouncer');
  return {
    dir,
    ini: path.join(dir, 'pgbouncer.ini'),
    users: path.join(dir, 'userlist.txt'),
    pid: path.join(dir, 'pgbouncer.pid'),
    log: path.join(state.dir, 'logs', 'pgbouncer.log'),
  };
}

/** PgBouncer's process id while it runs; null once it is gone (it removes its pid file as it ends). */
const poolerPid = (state: Pick<ClusterState, 'dir'>) => daemonPid({ pidFile: poolerFiles(state).pid });

/** Starts PgBouncer unless it runs or is not wanted; records it (or why there is none) in `state`. */
export async function startPooler(
  state: ClusterState,
  account: ServerAccount,
  options: PoolerOptions,
): Promise<void> {
  const binary = options.mode === 'off' ? null : findPgBouncer();
  if (!binary) {
    if (options.mode === 'on')
      throw new Error('CLUSTER_POOLER=on but PgBouncer is not installed (Debian: apt-get install pgbouncer)');
    state.pooler = null;
    state.poolerNote =
      options.mode === 'off'
        ? 'CLUSTER_POOLER=off: the functions connect to the coordinator directly'
        : 'PgBouncer is not installed (Debian: apt-get install pgbouncer): the functions connect to the coordinator directly';
    return;
  }
  if ((await poolerPid(state)) !== null && state.pooler) return;
  let port = state.pooler?.port ?? options.port;
  if (port === undefined) port = options.freePorts ? await findFreePortRange(1) : state.coordinator.port - 1;
  if (!(await portIsFree(port))) {
    throw new Error(`Port ${port} for PgBouncer is taken by another process; set CLUSTER_POOLER_PORT`);
  }
  const files = poolerFiles(state);
  await mkdir(files.dir, { recursive: true });
  const ini = pgbouncerIni({
    header: ['written by DistribuShop infra/local-cluster/pooler.ts'],
    coordinator: state.coordinator,
    listen: { host: LOOPBACK, port },
    authFile: files.users,
    bounds: options.bounds,
    logfile: files.log,
    pidfile: files.pid,
  });
  await writeFile(files.ini, ini);
  await writeFile(files.users, `"${SUPERUSER}" ""\n`);
  await giveTo(account, files.dir, files.ini, files.users);
  options.log(
    `start pgbouncer on ${LOOPBACK}:${port} (transaction pooling, ${POOLER_POOL_SIZE} coordinator connections)`,
  );
  await runAs(account, binary, ['-d', '-q', files.ini]);
  state.pooler = { name: 'pgbouncer', host: LOOPBACK, port };
  state.poolerNote = undefined;
  await waitFor(async () => !(await portIsFree(port)), 5000);
}

/** Stops PgBouncer when it runs, and waits until it is gone. */
export async function stopPooler(state: ClusterState, log?: (line: string) => void): Promise<void> {
  const pid = await poolerPid(state);
  if (pid === null) return;
  log?.('stop pgbouncer');
  process.kill(pid, 'SIGTERM');
  await waitFor(async () => (await poolerPid(state)) === null, 5000);
}
