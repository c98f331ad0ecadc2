/**
 * A key's text and the access rules, without a database: what a key looks like, what is
 * read from it, the answer every kind of caller gets at every access level, and how often
 * checking a key asks the database.
 */
import { type Access, ANONYMOUS, type Caller, permit, requireSecret } from '../../lib/auth/access';
import { checkKey } from '../../lib/auth/api-keys';
import { KEY_PATTERN, keyHash, keyPrefix, newKeyText, readKeyText } from '../../lib/auth/key-text';
import { config } from '../../lib/config';
import type { AppError } from '../../lib/errors';

describe("a key's text", () => {
  it('should name its kind and company, with 32 random characters', () => {
    const key = newKeyText(42, 'secret');
    expect(key).toMatch(/^ds_sk_42_[0-9A-Za-z]{32}$/);
    expect(newKeyText(42, 'publishable')).toMatch(/^ds_pk_42_/);
    expect(readKeyText(key)).toEqual({ kind: 'secret', companyId: 42, hash: keyHash(key) });
    expect(keyPrefix(key)).toBe(key.slice(0, 'ds_sk_42_'.length + 4));
    expect(KEY_PATTERN.test(`line with ${key} in it`)).toBe(true);
  });

  it('should not repeat itself', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => newKeyText(1, 'secret')));
    expect(keys.size).toBe(2000);
  });

  it.each([
    ['', 'empty'],
    [`ds_sk_42_${'a'.repeat(31)}`, 'one character short'],
    [`ds_sk_42_${'a'.repeat(33)}`, 'one character long'],
    [`ds_xk_42_${'a'.repeat(32)}`, 'an unknown kind'],
    [`ds_sk_042_${'a'.repeat(32)}`, 'a company with a leading zero'],
    [`ds_sk_0_${'a'.repeat(32)}`, 'company 0'],
    [`ds_sk_9007199254740993_${'a'.repeat(32)}`, 'a company past 2^53'],
    [`ds_sk_42_${'a'.repeat(31)}-`, 'a character outside the alphabet'],
    [` ds_sk_42_${'a'.repeat(32)}`, 'a leading space'],
  ])('should not read %j (%s) as a key', (text) => {
    expect(readKeyText(text)).toBeUndefined();
  });
});

describe('access rules', () => {
  const secretOf7: Caller = { kind: 'secret', companyId: 7, keyId: 1 };
  const publishableOf7: Caller = { kind: 'publishable', companyId: 7, keyId: 2 };
  const operator: Caller = { kind: 'operator' };
  const outcomeOf = (check: () => void) => {
    try {
      check();
      return 'ok';
    } catch (error: unknown) {
      return (error as AppError).statusCode;
    }
  };
  const outcome = (access: Access, caller: Caller, company: string | undefined) =>
    outcomeOf(() => permit(access, caller, company));

  it.each([
    ['public', ANONYMOUS, '7', 'ok'],
    ['public', publishableOf7, '8', 'ok'],
    ['storefront', ANONYMOUS, '7', 401],
    ['storefront', publishableOf7, '7', 'ok'],
    ['storefront', secretOf7, '7', 'ok'],
    ['storefront', publishableOf7, '8', 404],
    ['storefront', operator, '8', 'ok'],
    ['merchant', publishableOf7, '7', 403],
    ['merchant', publishableOf7, '8', 404],
    ['merchant', secretOf7, '7', 'ok'],
    ['merchant', secretOf7, '70', 404],
    ['merchant', secretOf7, undefined, 404],
    ['merchant', operator, '9', 'ok'],
    ['operator', secretOf7, undefined, 403],
    ['operator', ANONYMOUS, undefined, 401],
    ['operator', operator, undefined, 'ok'],
  ] as [Access, Caller, string | undefined, number | 'ok'][])(
    'should answer %s for %j on company %s: %s',
    (access, caller, company, expected) => {
      expect(outcome(access, caller, company)).toBe(expected);
    },
  );

  it('should keep ordering for a customer id to a secret key or the operator', () => {
    expect(outcomeOf(() => requireSecret(publishableOf7, 'x'))).toBe(403);
    expect(() => requireSecret(secretOf7, 'x')).not.toThrow();
    expect(() => requireSecret(operator, 'x')).not.toThrow();
  });
});

describe('checking a key', () => {
  /** A database that answers every key lookup with key 7, and counts the lookups. */
  function countingDatabase() {
    const db = {
      lookups: 0,
      async query() {
        db.lookups += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { rows: [{ id: 7 }], rowCount: 1 } as never;
      },
    };
    return db;
  }

  beforeAll(() => {
    process.env.DATABASE_URL ??= 'postgres://unused@127.0.0.1:1/unused';
  });

  it('should look a key up once and then trust it for API_KEY_CACHE_SECONDS, with no round trip', async () => {
    const database = countingDatabase();
    const key = newKeyText(41, 'secret');
    let now = 1_000_000;
    const clock = () => now;
    expect(await checkKey(key, database, clock)).toEqual({ companyId: 41, keyId: 7, kind: 'secret' });
    for (let i = 0; i < 20; i += 1) await checkKey(key, database, clock);
    expect(database.lookups).toBe(1);
    now += config().API_KEY_CACHE_SECONDS * 1000 + 1;
    await checkKey(key, database, clock);
    expect(database.lookups).toBe(2);
  });

  it('should share one lookup among the requests that bring a new key at once', async () => {
    const database = countingDatabase();
    const key = newKeyText(42, 'publishable');
    const holders = await Promise.all(Array.from({ length: 10 }, () => checkKey(key, database)));
    expect(database.lookups).toBe(1);
    expect(new Set(holders.map((h) => h?.keyId))).toEqual(new Set([7]));
  });

  it('should not look up text that is not a key', async () => {
    const database = countingDatabase();
    expect(await checkKey('ds_sk_1_short', database)).toBeUndefined();
    expect(database.lookups).toBe(0);
  });
});
