/**
 * Every request no route takes: 405 with Allow when the path is a route's asked with
 * another method, else a problem+json 404 rather than the gateway's bare one.
 */
import { MethodNotAllowedError, RouteNotFoundError } from '../../lib/errors';
import { httpHandler } from '../../lib/http/handler';
import { allowedMethods, notFoundRoute } from '../../lib/http/routes';

export const handler = httpHandler(notFoundRoute, async ({ method, path }) => {
  const allowed = allowedMethods(path);
  if (allowed.length > 0) {
    throw new MethodNotAllowedError(
      `${method} is not allowed on this path; it answers ${allowed.join(', ')}`,
      allowed,
    );
  }
  throw new RouteNotFoundError('No route matches this method and path; GET /openapi.json lists every route');
});
