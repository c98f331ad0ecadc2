/**
 * Credentials for tests: the run's operator token (global setup makes a new one for every
 * run, so no token is ever written in a test file), and each company's keys, made through
 * the key service on first use and kept for the test file.
 */
import { createKey } from '../../lib/auth/api-keys';
import type { KeyKind } from '../../lib/auth/key-text';

/** Who a test request speaks as: nobody, the operator, one of the company's keys, or any bearer text. */
export type Credential = 'anonymous' | 'operator' | KeyKind | { bearer: string };

export function operatorToken(): string {
  const token = process.env.ADMIN_TOKEN;
  if (!token) throw new Error('ADMIN_TOKEN is not set: the test run makes one in global setup');
  return token;
}

const made = new Map<string, Promise<string>>();

/** A key of the company, made on first use and kept for the test file. */
export function keyFor(companyId: number, kind: KeyKind = 'secret'): Promise<string> {
  const name = `${companyId}:${kind}`;
  let key = made.get(name);
  if (!key) {
    key = createKey(companyId, kind).then((k) => k.key);
    // A failed attempt (the database down) is not kept: the next call tries again.
    key.catch(() => made.delete(name));
    made.set(name, key);
  }
  return key;
}

/** The Authorization header for a credential of the company; none for 'anonymous'. */
export async function authorization(
  credential: Credential,
  companyId: number | undefined,
): Promise<Record<string, string>> {
  if (credential === 'anonymous') return {};
  if (typeof credential === 'object') return { authorization: `Bearer ${credential.bearer}` };
  if (credential === 'operator') return { authorization: `Bearer ${operatorToken()}` };
  if (companyId === undefined) throw new Error(`a ${credential} key needs a company`);
  return { authorization: `Bearer ${await keyFor(companyId, credential)}` };
}
