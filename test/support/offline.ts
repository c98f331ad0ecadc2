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
  /** Ends serverless-offline and its worker threads. */
  stop(): void;
}

/** Starts `serverless offline start` with `args` and `env`; resolves when it is ready. */
export async function startOffline(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Offline> {
  const port = await findFreePortRange(2);
  const root = path.resolve(__dirname, '../..');
  const child = spawn(path.join(root, 'node_modules/.bin/serverless'), ['offline', 'start', ...args], {
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
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serverless-offline did not start in 180s:\n${output}`)),
        180_000,
      );
      const onData = (chunk: Buffer) => {
        // Kept short: serverless-offline prints a line per request once it serves.
        if (output.length < 20_000) output += chunk.toString();
        if (output.includes('Server ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serverless-offline exited with ${code}:\n${output}`));
      });
    });
  } catch (error: unknown) {
    stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, child, stop };
}
