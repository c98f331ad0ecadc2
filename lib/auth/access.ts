/**
 * Who may call what. Every route declares one access level in the route table, and the
 * access middleware (lib/http/middleware/access.ts) identifies the caller and applies the
 * rules here:
 *
 * | access     | who                                                                   |
 * | ---------- | --------------------------------------------------------------------- |
 * | public     | anyone; a credential sent is not looked at                            |
 * | storefront | the company's publishable or secret key                               |
 * | merchant   | the company's secret key                                              |
 * | operator   | the operator token (ADMIN_TOKEN)                                      |
 *
 * The operator token is accepted on every route: it can make any company's keys, so
 * refusing it elsewhere would protect nothing. A key of another company is a 404, as an id
 * of another company is, so a key says nothing about what other companies hold.
 */
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import type { KeyKind } from './key-text';

export const ACCESS_LEVELS = ['public', 'storefront', 'merchant', 'operator'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/** Who a request speaks for, once the access middleware has run. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'operator' }
  | { kind: KeyKind; companyId: number; keyId: number };

export const ANONYMOUS: Caller = { kind: 'anonymous' };

/** What a route of each level asks for, in the words of a 401. */
const NEEDS: Record<Exclude<Access, 'public'>, string> = {
  storefront: "the company's publishable or secret key",
  merchant: "the company's secret key",
  operator: 'the operator token (ADMIN_TOKEN)',
};

/** The 401 for a request that sent no credential. */
export const missingCredential = (access: Exclude<Access, 'public'>) =>
  new UnauthorizedError(`This route needs ${NEEDS[access]}: send it as Authorization: Bearer <key>`);

/** The 401 for a credential that is not valid; the same words whether it was unknown, revoked or malformed. */
export const invalidCredential = (access: Exclude<Access, 'public'>) =>
  new UnauthorizedError(
    `The credential is not valid (unknown, revoked or malformed); this route needs ${NEEDS[access]}`,
    true,
  );

/**
 * Throws unless `caller` may call a route of `access` for the company in the path
 * (`pathCompanyId` as the path spells it; undefined for routes without one).
 */
export function permit(access: Access, caller: Caller, pathCompanyId: string | undefined): void {
  if (access === 'public' || caller.kind === 'operator') return;
  if (caller.kind === 'anonymous') throw missingCredential(access);
  if (access === 'operator') {
    throw new ForbiddenError(
      'This is an operator route: a company key cannot call it; send the operator token (ADMIN_TOKEN)',
    );
  }
  if (pathCompanyId !== String(caller.companyId)) {
    throw new NotFoundError(
      `Not found: this key is company ${caller.companyId}'s and sees that company's data only`,
    );
  }
  if (access === 'merchant' && caller.kind !== 'secret') {
    throw new ForbiddenError(
      "A publishable key reads the catalogue and places orders for a customer given by email; this route needs the company's secret key",
    );
  }
}

/** Throws unless the caller holds more than a publishable key: for what a storefront may not do. */
export function requireSecret(caller: Caller, what: string): void {
  if (caller.kind === 'publishable') {
    throw new ForbiddenError(`A publishable key cannot ${what}; that needs the company's secret key`);
  }
}
