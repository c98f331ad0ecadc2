/**
 * The operator endpoints' lock: when ADMIN_TOKEN is configured, only a request with
 * `Authorization: Bearer <that token>` passes; anything else is 401. With no token
 * configured the endpoint is open, which is meant for local use only (README).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { config } from '../../config';
import { UnauthorizedError } from '../../errors';
import type { HttpMiddleware } from './types';

// Hashing both sides gives equal lengths, so the comparison takes the same time whatever was sent.
const digest = (text: string) => createHash('sha256').update(text).digest();

/** Requires ADMIN_TOKEN, read at the first request. */
export const adminAuth = (): HttpMiddleware => ({
  before: async ({ event }) => {
    const token = config().ADMIN_TOKEN;
    if (!token) return;
    const given = /^Bearer\s+(\S+)\s*$/i.exec(event.headers?.authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), digest(token))) {
      throw new UnauthorizedError('This is an operator endpoint: send Authorization: Bearer <ADMIN_TOKEN>');
    }
  },
});
