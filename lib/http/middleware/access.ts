/**
 * Enforces the route's access level (lib/auth/access.ts): reads `Authorization: Bearer
 * <credential>`, tells a company key from the operator token by its shape, checks it, and
 * leaves who the caller is on `event.caller` (and its kind and key id, never the key, on
 * `request.internal` for the request log). A public route reads no credential at all.
 *
 * It runs before the body is parsed and validated: a caller who may not call the route
 * learns nothing from it but the 401, 403 or 404.
 */
import {
  type Access,
  ANONYMOUS,
  type Caller,
  invalidCredential,
  missingCredential,
  permit,
} from '../../auth/access';
import { checkKey } from '../../auth/api-keys';
import { readKeyText } from '../../auth/key-text';
import { isOperatorToken, operatorToken } from '../../auth/operator-token';
import { UnauthorizedError } from '../../errors';
import type { HttpEvent, HttpMiddleware } from './types';

/** The event once access has run. */
export type CallerEvent = HttpEvent & { caller: Caller };

// One credential: the scheme, one or more spaces, then visible ASCII up to the end.
const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/** Who `credential` speaks for; undefined when it is not valid. */
async function identify(credential: string, access: Exclude<Access, 'public'>): Promise<Caller | undefined> {
  if (readKeyText(credential)) {
    const holder = await checkKey(credential);
    return holder && { kind: holder.kind, companyId: holder.companyId, keyId: holder.keyId };
  }
  const token = await operatorToken();
  if (token === undefined) {
    if (access !== 'operator') return undefined;
    throw new UnauthorizedError(
      'Operator routes are closed: no operator token (ADMIN_TOKEN) is configured on this server',
      true,
    );
  }
  return isOperatorToken(credential, token) ? { kind: 'operator' } : undefined;
}

export const access = (level: Access): HttpMiddleware => ({
  before: async (request) => {
    const event = request.event as CallerEvent;
    event.caller = ANONYMOUS;
    if (level === 'public') return;
    const header = event.headers?.authorization;
    if (header === undefined || header.trim() === '') throw missingCredential(level);
    const credential = BEARER.exec(header)?.[1];
    const caller = credential === undefined ? undefined : await identify(credential, level);
    if (!caller) throw invalidCredential(level);
    request.internal.caller = caller.kind;
    if ('keyId' in caller) request.internal.keyId = caller.keyId;
    permit(level, caller, event.pathParameters?.companyId);
    event.caller = caller;
  },
});
