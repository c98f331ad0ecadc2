/** The shapes every HTTP middleware shares: API Gateway v2 events and results, and what a request carries. */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** What the middlewares leave on `request.internal` for the ones after them. */
export interface HttpInternal extends Record<string, unknown> {
  /** Set by requestLog: the id every log line and the response carry. */
  requestId?: string;
  /** Set by requestLog: when the request arrived (performance.now()). */
  startedAt?: number;
  /** Set by access: the kind of caller (anonymous, operator, secret, publishable), for the log. */
  caller?: string;
  /** Set by access: the id of the company key used (never its text), for the log. */
  keyId?: number;
}

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;
export type HttpMiddy = Request<HttpEvent, HttpResponse, Error, Context, HttpInternal>;
export type HttpMiddleware<E extends HttpEvent = HttpEvent> = MiddlewareObj<
  E,
  HttpResponse,
  Error,
  Context,
  HttpInternal
>;
