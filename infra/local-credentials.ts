/**
 * The local stack's credentials (`npm start` runs this after setup): an operator token for
 * ADMIN_TOKEN, and a secret and a publishable key of the demo company. They are kept in
 * `credentials.env` in the local cluster's folder (git-ignored, readable by its owner
 * only), so a second `npm start` prints the same ones; a key the database no longer knows
 * (a new cluster) is made again.
 *
 * Prints the credentials for people on stderr, and `export` lines on stdout for the
 * starting shell to eval. Keys are printed to the terminal that asked, never logged.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createKey } from '../lib/auth/api-keys';
import { readKeyText } from '../lib/auth/key-text';
import { loadLocalClusterConfig } from '../lib/config';
import type { Db } from '../lib/db';
import { runCli, withOperationsDb } from './cli';
import { clusterDir } from './local-cluster';

interface Credentials {
  API: string;
  ADMIN_TOKEN: string;
  COMPANY_ID: string;
  SECRET_KEY: string;
  PUBLISHABLE_KEY: string;
}

const NAMES = ['API', 'ADMIN_TOKEN', 'COMPANY_ID', 'SECRET_KEY', 'PUBLISHABLE_KEY'] as const;

function readKept(file: string): Partial<Credentials> {
  if (!existsSync(file)) return {};
  const kept: Partial<Credentials> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^export (\w+)='([^']*)'$/.exec(line);
    const name = match?.[1] as keyof Credentials | undefined;
    if (name && NAMES.includes(name)) kept[name] = match?.[2];
  }
  return kept;
}

/** True when the key is one the database knows and has not revoked. */
async function known(db: Db, key: string | undefined): Promise<boolean> {
  const parsed = key ? readKeyText(key) : undefined;
  if (!parsed) return false;
  const { rowCount } = await db.query(
    'SELECT 1 FROM api_keys WHERE company_id = $1 AND key_hash = $2 AND revoked_at IS NULL',
    [parsed.companyId, parsed.hash],
  );
  return Boolean(rowCount);
}

/** The demo company: the demo seed's first one, else the first there is, else a new one. */
async function demoCompany(db: Db): Promise<number> {
  const { rows } = await db.query<{ id: number }>('SELECT min(id) AS id FROM companies');
  if (rows[0]?.id) return rows[0].id;
  const made = await db.query<{ id: number }>(
    "INSERT INTO companies (name) VALUES ('Demo Shop') RETURNING id",
  );
  return (made.rows[0] as { id: number }).id;
}

runCli(
  'credentials',
  async () => {
    const file = path.join(clusterDir(loadLocalClusterConfig()), 'credentials.env');
    const kept = readKept(file);
    const api = `http://127.0.0.1:${process.env.HTTP_PORT ?? 3000}`;
    const credentials = await withOperationsDb(async (db): Promise<Credentials> => {
      const keysKnown = (await known(db, kept.SECRET_KEY)) && (await known(db, kept.PUBLISHABLE_KEY));
      if (keysKnown && kept.ADMIN_TOKEN && kept.COMPANY_ID && kept.SECRET_KEY && kept.PUBLISHABLE_KEY) {
        return { ...(kept as Credentials), API: api };
      }
      const companyId = await demoCompany(db);
      return {
        API: api,
        ADMIN_TOKEN: kept.ADMIN_TOKEN ?? randomBytes(32).toString('base64url'),
        COMPANY_ID: String(companyId),
        SECRET_KEY: (await createKey(companyId, 'secret', db)).key,
        PUBLISHABLE_KEY: (await createKey(companyId, 'publishable', db)).key,
      };
    });
    const lines = NAMES.map((name) => `export ${name}='${credentials[name]}'`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
    console.error(
      `== credentials (kept in ${path.relative(process.cwd(), file)}; in another shell: source it)`,
    );
    const shown: [string, string][] = [
      ['operator token (ADMIN_TOKEN)', credentials.ADMIN_TOKEN],
      [`company ${credentials.COMPANY_ID}'s secret key`, credentials.SECRET_KEY],
      [`company ${credentials.COMPANY_ID}'s publishable key`, credentials.PUBLISHABLE_KEY],
    ];
    for (const [what, value] of shown) console.error(`   ${what.padEnd(32)} ${value}`);
    console.log(lines.join('\n'));
    return 0;
  },
  { logLevel: 'error' },
);
