/**
 * The one error middleware: every error becomes application/problem+json (RFC 9457)
 * with a stable `type`. Messages are exposed below 500 only; a 5xx says nothing of SQL
 * or stacks, carries the request id, and its cause is logged.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';
import { describeError, log } from '../log';
import { requestIdOf } from './request-log';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

const PROBLEM_BASE = '/problems/';

/** Errors thrown by middy's own middlewares (http-errors style) carry a status and `expose`. */
function fromMiddyError(error: unknown): AppError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { statusCode, cause } = error as {
    statusCode?: unknown;
    cause?: { package?: string; message?: string };
  };
  if (typeof statusCode !== 'number') return undefined;
  if (cause?.package === '@middy/http-json-body-parser') {
    if (/malformed/i.test(error.message)) {
      return new MalformedJsonError(
        cause.message ? `The body is not valid JSON: ${cause.message}` : 'A JSON body is required',
      );
    }
    return new UnsupportedMediaTypeError('The body must be JSON, sent with Content-Type: application/json');
  }
  if (statusCode === 413) return new PayloadTooLargeError(error.message);
  return undefined;
}

/** The problem document and headers for any error. */
export function toProblem(
  error: unknown,
  requestId: string,
  instance?: string,
): { problem: ProblemDocument; headers: Record<string, string> } {
  const known = error instanceof AppError ? error : fromMiddyError(error);
  if (known && known.statusCode < 500) {
    return {
      problem: {
        type: `${PROBLEM_BASE}${known.type}`,
        title: known.title,
        status: known.statusCode,
        detail: known.message,
        instance,
        requestId,
        ...known.extensions(),
      },
      headers: known.headers(),
    };
  }
  if (known) {
    // A known 5xx (the database is unavailable): a fixed text, never the cause's.
    return {
      problem: {
        type: `${PROBLEM_BASE}${known.type}`,
        title: known.title,
        status: known.statusCode,
        detail: `${known.title}; try again shortly (request ${requestId})`,
        instance,
        requestId,
      },
      headers: known.headers(),
    };
  }
  return {
    problem: {
      type: `${PROBLEM_BASE}internal`,
      title: 'Internal server error',
      status: 500,
      detail: `An unexpected error occurred (request ${requestId})`,
      instance,
      requestId,
    },
    headers: {},
  };
}

export function problemResponse(
  problem: ProblemDocument,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  };
}

/** Registered last in every stack, so its onError runs first and the request log sees the status. */
export const problemHandler = (): MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2
> => ({
  onError: async (request: Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>) => {
    const requestId = requestIdOf(request);
    const { problem, headers } = toProblem(request.error, requestId, request.event.rawPath);
    if (problem.status >= 500) {
      log.error('request failed', { requestId, status: problem.status, ...describeError(request.error) });
    }
    request.response = problemResponse(problem, headers);
  },
});
