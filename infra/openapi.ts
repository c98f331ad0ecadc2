/**
 * `npm run openapi`: write docs/openapi.json, the document GET /openapi.json serves, from
 * the contract and the route table (lib/http/openapi.ts). Run it after changing either; a
 * unit test fails while the file is not what they generate.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiText } from '../lib/http/openapi';
import { OPENAPI_FILE } from '../lib/http/openapi-document';
import { runCli } from './cli';

runCli('openapi failed', async () => {
  const file = path.join(__dirname, '..', OPENAPI_FILE);
  const text = openApiText();
  if (existsSync(file) && readFileSync(file, 'utf8') === text) {
    console.log(`${OPENAPI_FILE} is up to date`);
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${OPENAPI_FILE} (${Buffer.byteLength(text)} bytes)`);
  }
  return 0;
});
