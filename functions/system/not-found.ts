/** Any path no route matches: a problem+json 404 rather than the gateway's bare one. */
import { RouteNotFoundError } from '../../lib/errors';
import { httpHandler } from '../../lib/http/handler';
import { notFoundRoute } from '../../lib/http/routes';

export const handler = httpHandler(notFoundRoute, async () => {
  throw new RouteNotFoundError('No route matches this method and path; GET /openapi.json lists every route');
});
