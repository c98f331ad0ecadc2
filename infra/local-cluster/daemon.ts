/**
 * A long-running program of the cluster that has no daemon mode of its own (etcd, Patroni,
 * HAProxy in the foreground): started detached as the servers' account with its output in
 * a log file, known by a pid file, and stopped with a signal, waiting until it is gone.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { ServerAccount } from './account';
import { waitFor } from './ports';

export interface Daemon {
  /** Its pid file: the running process's id. */
  pidFile: string;
  /** Where its standard output and error go (appended). */
  logFile: string;
}

/** The daemon's process id while it runs; null when it does not. */
export async function daemonPid(daemon: Pick<Daemon, 'pidFile'>): Promise<number | null> {
  try {
    const pid = Number((await readFile(daemon.pidFile, 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Starts `cmd` detached as `account` unless the daemon runs; returns its pid. */
export async function startDaemon(
  account: ServerAccount,
  daemon: Daemon,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<number> {
  const running = await daemonPid(daemon);
  if (running !== null) return running;
  const out = openSync(daemon.logFile, 'a');
  try {
    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['ignore', out, out],
      uid: account.uid,
      gid: account.gid,
      cwd: '/',
      env: { ...process.env, LC_ALL: 'C.UTF-8', ...env },
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    child.unref();
    await writeFile(daemon.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(out);
  }
}

/** Sends `signal` to the daemon when it runs and waits up to `ms` until it is gone (then SIGKILL). */
export async function stopDaemon(
  daemon: Pick<Daemon, 'pidFile'>,
  signal: NodeJS.Signals = 'SIGTERM',
  ms = 30_000,
): Promise<void> {
  const pid = await daemonPid(daemon);
  if (pid !== null) {
    process.kill(pid, signal);
    const gone = await waitFor(() => !alive(pid), ms);
    if (!gone) process.kill(pid, 'SIGKILL');
    await waitFor(() => !alive(pid), 5000);
  }
  await rm(daemon.pidFile, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
