/**
 * The one error middleware: every error becomes application/problem+json (RFC 9457)
 * with a stable `type`. Messages are exposed below 500 only; a 5xx says nothing of SQL
 * or stacks, carries the request id, and its cause is logged.
 */
import { AppError } from '../../errors';
import { describeError, log } from '../../log';
import { requestIdOf } from './request-log';
import type { HttpMiddleware, HttpResponse } from './types';

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

/** The problem document and headers for any error. */
export function toProblem(
  error: unknown,
  requestId: string,
  instance?: string,
): { problem: ProblemDocument; headers: Record<string, string> } {
  if (!(error instanceof AppError)) {
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
  // A known 5xx (the database is unavailable) gets a fixed text, never the cause's.
  const exposed = error.statusCode < 500;
  return {
    problem: {
      type: `${PROBLEM_BASE}${error.type}`,
      title: error.title,
      status: error.statusCode,
      detail: exposed
        ? error.message
        : `${error.publicDetail ?? error.title}; try again shortly (request ${requestId})`,
      instance,
      requestId,
      ...(exposed ? error.extensions() : {}),
    },
    headers: error.headers(),
  };
}

function problemResponse(problem: ProblemDocument, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  };
}

/** Registered last in every stack, so its onError runs first and the request log sees the status. */
export const problemHandler = (): HttpMiddleware => ({
  onError: async (request) => {
    const requestId = requestIdOf(request);
    const { problem, headers } = toProblem(request.error, requestId, request.event.rawPath);
    if (problem.status >= 500) {
      // The request id is on every line of the request already (request-log.ts).
      log.error('request failed', { status: problem.status, ...describeError(request.error) });
    }
    request.response = problemResponse(problem, headers);
  },
});
