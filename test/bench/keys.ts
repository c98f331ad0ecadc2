/**
 * The benchmark's credentials: one secret key per company of the measured shop, made in
 * one statement (as `npm run tenant -- key create` would make them one by one) so that the
 * keyed routes (place order for a known customer, list campaigns) are measured as a
 * merchant calls them, key check included. Keys made on a database the benchmark did not
 * seed (--no-seed) are revoked when it ends.
 */

import { keyHash, keyPrefix, newKeyText } from '../../lib/auth/key-text';
import { openBulkSession } from '../../lib/db/copy';

export interface BenchKeys {
  /** The secret key of company c is `secret[c - 1]`. */
  secret: string[];
  /** Revokes the keys made (one single-shard statement per company). */
  revoke(): Promise<void>;
}

/** Makes a secret key for each of companies 1 … `companies` on `url`. */
export async function makeBenchKeys(url: string, companies: number): Promise<BenchKeys> {
  const secret = Array.from({ length: companies }, (_, i) => newKeyText(i + 1, 'secret'));
  const rows = secret.map((key, i) => ({ c: i + 1, p: keyPrefix(key), h: keyHash(key).toString('hex') }));
  const session = openBulkSession(url, { applicationName: 'distribushop-bench-keys' });
  let made: { company_id: string; id: string }[];
  try {
    made = await session.query<{ company_id: string; id: string }>(
      `INSERT INTO api_keys (company_id, kind, prefix, key_hash)
       SELECT (k->>'c')::bigint, 'secret', k->>'p', decode(k->>'h', 'hex')
         FROM jsonb_array_elements($1::text::jsonb) AS k
       RETURNING company_id, id`,
      [JSON.stringify(rows)],
    );
  } finally {
    await session.end();
  }
  return {
    secret,
    async revoke() {
      const revoking = openBulkSession(url, { applicationName: 'distribushop-bench-keys' });
      try {
        for (const key of made) {
          await revoking.query('UPDATE api_keys SET revoked_at = now() WHERE company_id = $1 AND id = $2', [
            key.company_id,
            key.id,
          ]);
        }
      } finally {
        await revoking.end();
      }
    },
  };
}

/** The Authorization header of company `companyId`'s secret key. */
export function merchantHeader(keys: readonly string[], companyId: number): Record<string, string> {
  const key = keys[companyId - 1];
  if (!key) throw new Error(`the benchmark has no key for company ${companyId}`);
  return { authorization: `Bearer ${key}` };
}
