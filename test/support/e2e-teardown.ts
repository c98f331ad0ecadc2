import clusterTeardown from './global-teardown';
import { secretsIn } from './log-secrets';

export default async function e2eTeardown(): Promise<void> {
  const output = globalThis.__OFFLINE__?.output() ?? '';
  globalThis.__OFFLINE__?.stop();
  globalThis.__OFFLINE__ = undefined;
  await clusterTeardown();
  // Every line the functions logged over HTTP, checked like the in-process tiers' lines.
  const leaks = secretsIn(output);
  if (leaks.length > 0) throw new Error(`the functions logged what they must not: ${leaks.join(', ')}`);
}
