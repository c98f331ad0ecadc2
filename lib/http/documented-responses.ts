/**
 * The statuses every route documents beyond its own outcomes, derived from its shape and
 * its access level (lib/http/routes.ts): validating anything can answer 400, a route that
 * needs a credential 401 and 403, a path with ids 404, a route that reads a body 415, and
 * any route 413 (the body limit holds for every request), 431, 500 and 503. The OpenAPI
 * document and the tests read them here.
 */
import type { ResponseSpec, RouteSpec } from './route-spec';

const shared = {
  invalid: { description: 'The request is not valid: `errors` lists each issue, or the JSON is malformed' },
  notFound: { description: 'The company or the resource does not exist' },
  tooLarge: { description: 'The body is larger than MAX_BODY_BYTES' },
  mediaType: { description: 'The body is not sent as application/json' },
  headers: { description: 'The headers are larger than MAX_HEADER_BYTES' },
  unauthorized: {
    description:
      'No credential, or one that is not valid (unknown, revoked or malformed); WWW-Authenticate names the Bearer scheme',
  },
  forbidden: {
    description:
      'The credential is valid but does not allow this: a publishable key on a merchant route, a company key on an operator route',
  },
  internal: { description: 'An unexpected error; the detail names the request id only' },
  unavailable: { description: 'The database cannot serve now; retry after Retry-After seconds' },
} satisfies Record<string, ResponseSpec>;

/** True when the route's handler validates any part of the request. */
const validatesInput = (route: RouteSpec): boolean =>
  Boolean(route.params || route.query || route.headers || route.body);

/**
 * Every status a route can answer, as documented: the statuses its shape brings and then
 * its own outcomes (whose descriptions win). Every error is application/problem+json.
 */
export function documentedResponses(route: RouteSpec): Record<number, ResponseSpec> {
  const responses: Record<number, ResponseSpec> = {};
  if (validatesInput(route)) responses[400] = shared.invalid;
  if (route.access !== 'public')
    Object.assign(responses, { 401: shared.unauthorized, 403: shared.forbidden });
  if (route.params) responses[404] = shared.notFound;
  // Any request may carry a body, and every handler refuses one over the limit before
  // anything reads it, so 413 is every route's; 415 only a route that reads its body.
  if (route.body) responses[415] = shared.mediaType;
  Object.assign(responses, {
    413: shared.tooLarge,
    431: shared.headers,
    500: shared.internal,
    503: shared.unavailable,
  });
  return { ...responses, ...route.responses };
}
