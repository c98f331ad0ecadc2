/**
 * The account the servers run as. PostgreSQL (and PgBouncer) refuse to run as root, so
 * when the launcher runs as root, every server command runs as an unprivileged user
 * (CLUSTER_USER, else `postgres`), and the files it writes for them are given to it.
 */
import { execFile } from 'node:child_process';
import { chown } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ServerAccount {
  name: string;
  /** Set when the launcher runs as root and the servers run as `name`. */
  uid?: number;
  gid?: number;
}

/** The account the servers run as: `name` when this runs as root, else this process's own user. */
export async function serverAccount(name: string): Promise<ServerAccount> {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return { name: os.userInfo().username };
  const id = async (flag: string) =>
    Number((await execFileAsync('id', [flag, name], { encoding: 'utf8' })).stdout.trim());
  try {
    return { name, uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new Error(
      `Running as root, so the PostgreSQL servers must run as an unprivileged user, but user "${name}" does not exist. ` +
        'Create it (useradd --system postgres) or set CLUSTER_USER to an existing unprivileged user.',
    );
  }
}

/** Gives files and folders the launcher made to the servers' account (nothing to do unless run as root). */
export async function giveTo(account: ServerAccount, ...paths: string[]): Promise<void> {
  const { uid, gid } = account;
  if (uid === undefined || gid === undefined) return;
  for (const file of paths) await chown(file, uid, gid);
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd` as the servers' account and waits for it to exit. A non-zero exit is an error
 * that carries the command's output, unless `allowFail`. `input` is written to its stdin
 * (the answers to a command's prompts).
 */
export async function runAs(
  account: ServerAccount,
  cmd: string,
  args: string[],
  opts: { allowFail?: boolean; home?: string; input?: string } = {},
): Promise<RunResult> {
  let result: RunResult;
  try {
    const running = execFileAsync(cmd, args, {
      encoding: 'utf8',
      uid: account.uid,
      gid: account.gid,
      // The servers' user may not be able to read root's working directory, nor root's
      // ~/.postgresql, where libpq (and so Citus, between nodes) looks for client certificates.
      cwd: '/',
      env: { ...process.env, PGCONNECT_TIMEOUT: '5', LC_ALL: 'C', ...(opts.home ? { HOME: opts.home } : {}) },
      maxBuffer: 16 * 1024 * 1024,
    });
    if (opts.input !== undefined) running.child.stdin?.end(opts.input);
    const { stdout, stderr } = await running;
    result = { status: 0, stdout, stderr };
  } catch (error: unknown) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    // Not an exit status: the command could not be run at all.
    if (typeof failed.code !== 'number') throw error;
    result = { status: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
  if (result.status !== 0 && !opts.allowFail) {
    const output = `${result.stdout}${result.stderr}`.trim();
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
  }
  return result;
}
