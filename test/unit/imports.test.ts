/**
 * Importing a module opens nothing and reads no environment: every handler and service
 * loads with DATABASE_URL unset, and the configuration is read on the first request.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

function modulesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('importing', () => {
  const saved = process.env.DATABASE_URL;
  beforeAll(() => {
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  });

  it.each([...modulesUnder('lib/shop'), ...modulesUnder('lib/http'), ...modulesUnder('functions')])(
    'should load %s without any environment',
    async (file) => {
      await expect(import(file)).resolves.toBeDefined();
    },
  );
});
