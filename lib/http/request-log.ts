/**
 * Request id and one structured log line per request: method, route, status, duration.
 * The id is API Gateway's, else the caller's `x-request-id`, else a new one; it is
 * returned in the `x-request-id` header.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { log } from '../log';

type HttpRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

interface RequestMeta {
  requestId: string;
  started: number;
}

const meta = new WeakMap<object, RequestMeta>();

export function requestIdOf(request: HttpRequest): string {
  return meta.get(request.event)?.requestId ?? request.event.requestContext?.requestId ?? 'unknown';
}

export const requestLog = (
  route: string,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => {
  const finish = async (request: HttpRequest) => {
    const m = meta.get(request.event);
    const response = request.response;
    if (response) response.headers = { ...response.headers, 'x-request-id': m?.requestId ?? 'unknown' };
    log.info('request', {
      requestId: m?.requestId,
      method: request.event.requestContext?.http?.method,
      route,
      status: response?.statusCode,
      ms: m ? Math.round(performance.now() - m.started) : undefined,
    });
  };
  return {
    before: async (request) => {
      const given = request.event.headers?.['x-request-id'];
      const gateway = request.event.requestContext?.requestId;
      // serverless-offline fills requestId with one fixed placeholder for every request.
      const fromGateway = gateway && !gateway.startsWith('offlineContext_') ? gateway : undefined;
      const requestId = fromGateway ?? (given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID());
      meta.set(request.event, { requestId, started: performance.now() });
    },
    after: finish,
    onError: finish,
  };
};
