/**
 * The middy stack every HTTP handler shares, in order: Powertools' logger context (the
 * function's name and request id and the cold start on every line this request logs,
 * anywhere) and metrics (flushed when the request ends), the request's own metrics,
 * request log, CORS (public and
 * storefront routes, for the origins in CORS_ORIGINS), header size limit,
 * header normalizing, body size limit, access (who the caller is and whether the route's
 * access level lets them in), JSON body (routes that take one), validation of path,
 * query, headers and body, and the problem+json error handler, registered last. The
 * statuses these can answer are the ones routes.ts documents for the route. The handler
 * receives the validated request and who called, and returns a status and a body.
 *
 * A route that takes a body has a factory of its own, `httpBodyHandler`, the one that adds
 * the JSON body middleware: a function whose route takes none (`httpHandler`) does not
 * bundle the parser (3.4 KB of its bundle, minified). The compiler holds each route to its
 * factory.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import type { Caller } from '../auth/access';
import { logger } from '../log';
import { routeMetrics } from '../metrics';
import { access, type CallerEvent } from './middleware/access';
import { bodyLimit } from './middleware/body-limit';
import { cors, crossOrigin } from './middleware/cors';
import { headerLimit } from './middleware/header-limit';
import { jsonBody } from './middleware/json-body';
import { problemHandler } from './middleware/problem';
import { requestLog } from './middleware/request-log';
import { requestMetrics } from './middleware/request-metrics';
import type { HttpEvent, HttpInternal, HttpMiddleware, HttpResponse } from './middleware/types';
import { type HttpRequest, type ValidatedEvent, validateRequest } from './middleware/validate';
import type { RouteSpec } from './route-spec';

export type { HttpRequest } from './middleware/validate';

export interface HttpResult {
  statusCode: number;
  /** A value sent as JSON. */
  body?: unknown;
  /** A JSON text sent exactly as it is (a stored response replayed byte for byte). */
  json?: string;
  headers?: Record<string, string>;
  /** A body that is not JSON (a console file), with its content type in `headers`; binary as base64. */
  raw?: { body: string; isBase64Encoded: boolean };
}

export const ok = (body: unknown): HttpResult => ({ statusCode: 200, body });
export const created = (body: unknown): HttpResult => ({ statusCode: 201, body });
export const noContent = (): HttpResult => ({ statusCode: 204 });

/** What a handler answers with, given the validated request and who called. */
type Handle<R extends RouteSpec> = (request: HttpRequest<R>, caller: Caller) => Promise<HttpResult>;

/** `R`, or `never` (which no route is) when R takes a body: such a route takes httpBodyHandler. */
type WithoutBody<R extends RouteSpec> = R & (R['body'] extends undefined ? unknown : never);
/** `R`, or `never` when R takes no body: such a route takes httpHandler. */
type WithBody<R extends RouteSpec> = R & (R['body'] extends undefined ? never : unknown);

/** Builds a Lambda handler for `route`, which takes no body, around `handle`, which receives validated input. */
export function httpHandler<R extends RouteSpec>(route: WithoutBody<R>, handle: Handle<R>) {
  return buildHandler(route, handle);
}

/** Builds a Lambda handler for `route`, which takes a JSON body, around `handle`. */
export function httpBodyHandler<R extends RouteSpec>(route: WithBody<R>, handle: Handle<R>) {
  return buildHandler(route, handle, jsonBody());
}

function buildHandler<R extends RouteSpec>(route: R, handle: Handle<R>, body?: HttpMiddleware) {
  const metrics = routeMetrics(route.operationId);
  const stack = middy<HttpEvent, HttpResponse, Error, Context, HttpInternal>()
    // Keys added for one request (its id) are dropped when it ends.
    .use(injectLambdaContext(logger(), { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(requestMetrics(route, metrics))
    .use(requestLog({ route: `${route.method.toUpperCase()} ${route.path}` }));
  if (crossOrigin(route)) stack.use(cors());
  stack.use(headerLimit()).use(httpHeaderNormalizer()).use(bodyLimit()).use(access(route.access));
  if (body) stack.use(body);
  stack.use(validateRequest(route)).use(problemHandler());
  return stack.handler(async (event): Promise<HttpResponse> => {
    // access and validateRequest ran before this handler and left the caller and the parsed request on the event.
    const result = await handle((event as ValidatedEvent<R>).input, (event as CallerEvent).caller);
    if (result.statusCode === 204) return { statusCode: 204, headers: { ...result.headers } };
    return {
      statusCode: result.statusCode,
      headers: { 'content-type': 'application/json', ...result.headers },
      body: result.raw?.body ?? result.json ?? JSON.stringify(result.body),
      ...(result.raw?.isBase64Encoded ? { isBase64Encoded: true } : {}),
    };
  });
}
