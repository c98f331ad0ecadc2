/**
 * `npm run compose:ha-files`: write docker-compose.ha.yml's generated configuration
 * (infra/docker/patroni.yml and haproxy.cfg) from the high-availability settings
 * (infra/docker/ha.ts renders them). test/unit/compose-ha.test.ts fails until the files
 * are what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './cli';
import { composeHaFiles } from './docker/ha';

runCli('compose:ha-files failed', async () => {
  for (const { file, text } of composeHaFiles()) {
    const shown = path.relative(process.cwd(), file);
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // not written yet
    }
    if (current === text) {
      console.log(`${shown} is up to date`);
    } else {
      writeFileSync(file, text);
      console.log(`${shown} written`);
    }
  }
  return 0;
});
