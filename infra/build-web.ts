/**
 * `npm run build:web [-- --force]`: build the console into web/dist when it is missing or
 * its sources changed since the last build (`--force`: always).
 */
import { runCli } from './cli';
import { distDir, ensureConsoleBuild } from './console-build';

runCli('build:web failed', async () => {
  const started = performance.now();
  const outcome = ensureConsoleBuild({ force: process.argv.includes('--force') });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    outcome === 'built' ? `console built into ${distDir} in ${seconds}s` : `console up to date in ${distDir}`,
  );
  return 0;
});
