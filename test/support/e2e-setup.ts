/**
 * End-to-end tier: the cluster of the integration tier, plus serverless-offline serving
 * the real bundled functions, and the console's build, over HTTP on a free loopback port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ensureConsoleBuild } from '../../infra/console-build';
import { findFreePortRange } from '../../infra/local-cluster';
import e2eTeardown from './e2e-teardown';
import clusterSetup from './global-setup';

declare global {
  var __OFFLINE__: ChildProcess | undefined;
}

export default async function e2eSetup(): Promise<void> {
  // The console functions serve web/dist: build it first if its sources changed (a failed
  // build then leaves no cluster behind).
  if (!process.env.API_URL && ensureConsoleBuild({ log: () => {} }) === 'built') {
    console.log('console built into web/dist');
  }
  await clusterSetup();
  if (process.env.API_URL) return;
  const port = await findFreePortRange(2);
  const root = path.resolve(__dirname, '../..');
  const child = spawn(path.join(root, 'node_modules/.bin/serverless'), ['offline', 'start'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HTTP_PORT: String(port), LAMBDA_PORT: String(port + 1), LOG_LEVEL: 'error' },
  });
  globalThis.__OFFLINE__ = child;
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serverless-offline did not start in 120s:\n${output}`)),
      120_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
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
  try {
    await ready;
  } catch (error: unknown) {
    // Jest runs no teardown when the setup fails.
    await e2eTeardown();
    throw error;
  }
  process.env.API_URL = `http://127.0.0.1:${port}`;
}
