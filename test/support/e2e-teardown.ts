import clusterTeardown from './global-teardown';

export default async function e2eTeardown(): Promise<void> {
  globalThis.__OFFLINE__?.stop();
  globalThis.__OFFLINE__ = undefined;
  await clusterTeardown();
}
