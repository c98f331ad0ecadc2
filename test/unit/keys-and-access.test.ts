/**
 * A key's text and the access rules, without a database: what a key looks like, what is
 * read from it, and the answer every kind of caller gets at every access level.
 */
import { type Access, ANONYMOUS, type Caller, permit, requireSecret } from '../../lib/auth/access';
import { KEY_PATTERN, keyHash, keyPrefix, newKeyText, readKeyText } from '../../lib/auth/key-text';
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
