/**
 * Cross-origin calls from browsers (CORS), for storefronts on other origins: off unless
 * CORS_ORIGINS lists origins, and then only for public and storefront routes. A route that
 * needs a secret key or the operator token never answers another origin's page, so a
 * secret key has no use in a browser.
 *
 * Preflight requests (OPTIONS) reach no route of the table and go to the catch-all
 * function, which answers them with `preflight` below.
 */
import { config } from '../../config';
import { matchPath } from '../route-match';
import { notFoundRoute, type RouteSpec } from '../routes';
import type { HttpMiddleware, HttpMiddy } from './types';

/** Routes a browser on an allowed origin may call (the catch-all answers its preflights itself). */
export const crossOrigin = (route: RouteSpec) =>
  (route.access === 'public' || route.access === 'storefront') && route !== notFoundRoute;

/** The request headers a storefront's page sends. */
const ALLOWED_HEADERS = 'authorization, content-type, idempotency-key, x-request-id';
/** The response headers its script may read. */
const EXPOSED_HEADERS = 'x-request-id, idempotent-replayed, retry-after';

function allowedOrigin(origin: string | undefined): string | undefined {
  return origin !== undefined && config().CORS_ORIGINS.includes(origin) ? origin : undefined;
}

/** The answer to a preflight request for `path`: its headers, or undefined when it is not allowed. */
export function preflight(
  path: string,
  origin: string | undefined,
  requestedMethod: string | undefined,
): Record<string, string> | undefined {
  const allowed = allowedOrigin(origin);
  if (!allowed || !requestedMethod) return undefined;
  const methods = matchPath(path)
    .filter((m) => crossOrigin(m.route))
    .map((m) => m.route.method.toUpperCase());
  if (!methods.includes(requestedMethod.toUpperCase())) return undefined;
  return {
    'Access-Control-Allow-Origin': allowed,
    'Access-Control-Allow-Methods': methods.join(', '),
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

/** Adds the CORS headers to the answers of a public or storefront route (see crossOrigin), errors included. */
export const cors = (): HttpMiddleware => {
  const answer = async (request: HttpMiddy) => {
    const response = request.response;
    if (!response) return;
    const origin = allowedOrigin(request.event.headers?.origin);
    response.headers = { ...response.headers, Vary: 'Origin' };
    if (!origin) return;
    response.headers = {
      ...response.headers,
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    };
  };
  return { after: answer, onError: answer };
};
