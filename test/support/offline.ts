/**
 * serverless-offline serving the real bundled functions over HTTP on a free loopback port,
 * in a process group of its own: the end-to-end tier and the benchmark start it this way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { findFreePortRange } from '../../infra/local-cluster';

export interface Offline {
  url: string;
  child: ChildProcess;
  /** Everything serverless-offline and the functions printed, for the log checks. */
  output(): string;
  /** Ends serverless-offline and its worker threads. */
  stop(): void;
}

/**
 * Starts `serverless offline start --stage local` with `args` and `env`; resolves when it is
 * ready. The local stage takes ADMIN_TOKEN from the environment (serverless.yml).
 */
export async function startOffline(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  /** The HTTP port (the next one serves the Lambda API); default: two free ports. */
  port?: number,
): Promise<Offline> {
  port ??= await findFreePortRange(2);
  const root = path.resolve(__dirname, '../..');
  const command = ['offline', 'start', '--stage', 'local', ...args];
  const child = spawn(path.join(root, 'node_modules/.bin/serverless'), command, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, HTTP_PORT: String(port), LAMBDA_PORT: String(port + 1) },
  });
  const stop = () => {
    try {
      // serverless-offline runs in its own process group with its worker threads; end them all.
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const chunks: Buffer[] = [];
  const collect = (chunk: Buffer) => chunks.push(chunk);
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const output = () => Buffer.concat(chunks).toString();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serverless-offline did not start in 180s:\n${output().slice(0, 20_000)}`)),
        180_000,
      );
      const onData = (chunk: Buffer) => {
        if (!chunk.toString().includes('Server ready') && !output().includes('Server ready')) return;
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serverless-offline exited with ${code}:\n${output().slice(0, 20_000)}`));
      });
    });
  } catch (error: unknown) {
    stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, child, output, stop };
}
