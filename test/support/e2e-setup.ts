/**
 * End-to-end tier: the cluster of the integration tier, plus serverless-offline serving
 * the real bundled functions over HTTP on a free loopback port.
 */
import e2eTeardown from './e2e-teardown';
import clusterSetup from './global-setup';
import { type Offline, startOffline } from './offline';

declare global {
  var __OFFLINE__: Offline | undefined;
}

export default async function e2eSetup(): Promise<void> {
  await clusterSetup();
  if (process.env.API_URL) return;
  try {
    globalThis.__OFFLINE__ = await startOffline({ LOG_LEVEL: 'error' });
  } catch (error: unknown) {
    // Jest runs no teardown when the setup fails.
    await e2eTeardown();
    throw error;
  }
  process.env.API_URL = globalThis.__OFFLINE__.url;
}
