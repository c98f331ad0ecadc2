import clusterTeardown from './global-teardown';

export default async function e2eTeardown(): Promise<void> {
  const child = globalThis.__OFFLINE__;
  if (child?.pid) {
    // serverless-offline runs in its own process group with its worker threads; end them all.
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    globalThis.__OFFLINE__ = undefined;
  }
  await clusterTeardown();
}
