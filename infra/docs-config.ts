/**
 * `npm run docs:config`: write docs/configuration.md from lib/config/'s settings
 * (infra/docs/configuration.ts renders it). test/unit/docs.test.ts fails until the file
 * is what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './cli';
import { configurationDoc, configurationDocPath } from './docs/configuration';

runCli('docs:config failed', async () => {
  const text = configurationDoc();
  const shown = path.relative(process.cwd(), configurationDocPath);
  if (readFileSync(configurationDocPath, 'utf8') === text) {
    console.log(`${shown} is up to date`);
  } else {
    writeFileSync(configurationDocPath, text);
    console.log(`${shown} written`);
  }
  return 0;
});
