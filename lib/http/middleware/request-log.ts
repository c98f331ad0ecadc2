/**
 * Request id and one structured log line per request: method, route, status, duration,
 * and who called (the kind of caller and the id of the company key used, never a key).
 * The id is API Gateway's, else the caller's `x-request-id`, else a new one; it is
 * returned in the `x-request-id` header, left on `request.internal.requestId`, and put on
 * every line the request logs.
 */
import { randomUUID } from 'node:crypto';
import { log, logger } from '../../log';
import type { HttpMiddleware, HttpMiddy } from './types';

export interface RequestLogOptions {
  /** The route as logged, e.g. `GET /companies/{companyId}`. */
  route: string;
}

const CALLER_ID = /^[\w.-]{1,100}$/;

/** The request's id, once requestLog has run. */
export function requestIdOf(request: HttpMiddy): string {
  return request.internal.requestId ?? request.event.requestContext?.requestId ?? 'unknown';
}

export const requestLog = (opts: RequestLogOptions): HttpMiddleware => {
  const finish = async (request: HttpMiddy) => {
    const response = request.response;
    const requestId = requestIdOf(request);
    if (response) response.headers = { ...response.headers, 'x-request-id': requestId };
    const { startedAt } = request.internal;
    log.info('request', {
      method: request.event.requestContext?.http?.method,
      route: opts.route,
      status: response?.statusCode,
      caller: request.internal.caller,
      keyId: request.internal.keyId,
      ms: startedAt === undefined ? undefined : Math.round(performance.now() - startedAt),
    });
  };
  return {
    before: async (request) => {
      const given = request.event.headers?.['x-request-id'];
      const gateway = request.event.requestContext?.requestId;
      // serverless-offline fills requestId with one fixed placeholder for every request.
      const fromGateway = gateway && !gateway.startsWith('offlineContext_') ? gateway : undefined;
      const requestId = fromGateway ?? (given && CALLER_ID.test(given) ? given : randomUUID());
      request.internal.requestId = requestId;
      request.internal.startedAt = performance.now();
      // Every line logged while this request runs carries its id, below the handler too.
      logger().appendKeys({ requestId });
    },
    after: finish,
    onError: finish,
  };
};
