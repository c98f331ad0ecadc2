/**
 * Every request no route takes: a CORS preflight (OPTIONS) from an allowed origin for a
 * public or storefront route, 405 with Allow when the path is a route's asked with
 * another method, else a problem+json 404 rather than the gateway's bare one.
 */
import { MethodNotAllowedError, RouteNotFoundError } from '../../lib/errors';
import { httpHandler } from '../../lib/http/handler';
import { preflight } from '../../lib/http/middleware/cors';
import { allowedMethods } from '../../lib/http/route-match';
import { notFoundRoute } from '../../lib/http/routes';

export const handler = httpHandler(notFoundRoute, async ({ method, path, headers }) => {
  const cors =
    method === 'OPTIONS' && preflight(path, headers.origin, headers['access-control-request-method']);
  if (cors) return { statusCode: 204, headers: cors };
  const allowed = allowedMethods(path);
  if (allowed.length > 0) {
    throw new MethodNotAllowedError(
      `${method} is not allowed on this path; it answers ${allowed.join(', ')}`,
      allowed,
    );
  }
  throw new RouteNotFoundError('No route matches this method and path; GET /openapi.json lists every route');
});
