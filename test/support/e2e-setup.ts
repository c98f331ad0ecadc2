/**
 * End-to-end tier: the cluster of the integration tier, plus serverless-offline serving
 * the real bundled functions, and the console's build, over HTTP on a free loopback port.
 */
import { ensureConsoleBuild } from '../../infra/console-build';
import e2eTeardown from './e2e-teardown';
import clusterSetup from './global-setup';
import { type Offline, startOffline } from './offline';

declare global {
  var __OFFLINE__: Offline | undefined;
}

export default async function e2eSetup(): Promise<void> {
  // The console functions serve web/dist: build it first if its sources changed (a failed
  // build then leaves no cluster behind).
  if (!process.env.API_URL && ensureConsoleBuild({ log: () => {} }) === 'built') {
    console.log('console built into web/dist');
  }
  await clusterSetup();
  if (process.env.API_URL) return;
  try {
    // Request lines are logged (and checked for secrets at teardown); a key is trusted for
    // 2 s, so that the revocation test sees the bound pass; one origin may call from a browser.
    globalThis.__OFFLINE__ = await startOffline({
      LOG_LEVEL: 'info',
      API_KEY_CACHE_SECONDS: '2',
      CORS_ORIGINS: 'http://storefront.test',
    });
  } catch (error: unknown) {
    // Jest runs no teardown when the setup fails.
    await e2eTeardown();
    throw error;
  }
  process.env.API_URL = globalThis.__OFFLINE__.url;
}
