/**
 * Typed errors. Each is of one problem type of the table below, which gives its HTTP status
 * and title; the one error middleware (lib/http/middleware/problem.ts) turns them into
 * application/problem+json.
 */

export interface FieldIssue {
  /** Where the problem is, e.g. `body.items.0.quantity` or `path.companyId`. */
  path: string;
  message: string;
}

export interface ErrorOptions {
  cause?: unknown;
  /**
   * For a 5xx: a fixed text safe to show the client in place of the message (which may
   * carry internals and is only logged), e.g. "a database node is not reachable".
   */
  publicDetail?: string;
}

/**
 * Every problem type the API answers with: its status and title, in one table (as middy's
 * http-errors keeps its statuses). The problem `type` is `/problems/<key>`.
 */
export const PROBLEM_TYPES = {
  validation: { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'The credential does not allow this request' },
  'not-found': { status: 404, title: 'Not found' },
  'route-not-found': { status: 404, title: 'No such route' },
  'method-not-allowed': { status: 405, title: 'The method is not allowed on this path' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  'insufficient-stock': { status: 409, title: 'Not enough stock' },
  'payload-too-large': { status: 413, title: 'The body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'idempotency-key-reused': {
    status: 422,
    title: 'The Idempotency-Key was already used with a different request',
  },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'service-unavailable': { status: 503, title: 'The service is temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemType = keyof typeof PROBLEM_TYPES;

/** `not-found` → `NotFoundError`: the name an error of that type shows in logs. */
const errorName = (type: string) =>
  `${type.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase())}Error`;

/** An error the API answers with a problem document of its type (lib/http/middleware/problem.ts). */
export class AppError extends Error {
  readonly statusCode: number;
  readonly title: string;
  /** What a 5xx tells the client; see ErrorOptions. */
  readonly publicDetail?: string;

  constructor(
    readonly type: ProblemType,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = errorName(type);
    this.statusCode = PROBLEM_TYPES[type].status;
    this.title = PROBLEM_TYPES[type].title;
    this.publicDetail = options.publicDetail;
  }

  /** Extra members for the problem document (shown below 500 only). */
  extensions(): Record<string, unknown> {
    return {};
  }

  /** Extra response headers. */
  headers(): Record<string, string> {
    return {};
  }
}

/** The factory: the error class of a problem type whose errors carry a message and nothing more. */
function problemClass(type: ProblemType) {
  return class extends AppError {
    constructor(message: string, options: ErrorOptions = {}) {
      super(type, message, options);
    }
  };
}

export const MalformedJsonError = problemClass('malformed-json');
export const ForbiddenError = problemClass('forbidden');
export const NotFoundError = problemClass('not-found');
export const RouteNotFoundError = problemClass('route-not-found');
export const ConflictError = problemClass('conflict');
export const PayloadTooLargeError = problemClass('payload-too-large');
export const UnsupportedMediaTypeError = problemClass('unsupported-media-type');
export const IdempotencyKeyReuseError = problemClass('idempotency-key-reused');
export const HeadersTooLargeError = problemClass('headers-too-large');

// The types whose errors carry more than a message: what they carry becomes members of
// the problem document or response headers.

export class ValidationError extends AppError {
  constructor(
    message: string,
    readonly errors: FieldIssue[] = [],
    options: ErrorOptions = {},
  ) {
    super('validation', message, options);
  }
  override extensions() {
    return { errors: this.errors };
  }
}

/** No credential, or one that is not valid: the answer names the Bearer scheme (RFC 6750). */
export class UnauthorizedError extends AppError {
  constructor(
    message: string,
    /** A credential was sent and is not valid (malformed, unknown, revoked, not the token). */
    readonly invalidCredential = false,
    options: ErrorOptions = {},
  ) {
    super('unauthorized', message, options);
  }
  override headers() {
    return {
      'WWW-Authenticate': this.invalidCredential
        ? 'Bearer realm="distribushop", error="invalid_token"'
        : 'Bearer realm="distribushop"',
    };
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(
    message: string,
    /** The methods the path answers, for the Allow header. */
    readonly allowed: string[],
    options: ErrorOptions = {},
  ) {
    super('method-not-allowed', message, options);
  }
  override extensions() {
    return { allow: this.allowed };
  }
  override headers() {
    return { Allow: this.allowed.join(', ') };
  }
}

export interface ShortProduct {
  productId: number;
  requested: number;
  available: number;
}

/** The one place the shortage's message is written: the 409 names every short product. */
export class InsufficientStockError extends AppError {
  constructor(readonly products: ShortProduct[]) {
    super(
      'insufficient-stock',
      `Not enough stock for ${products
        .map((p) => `product ${p.productId} (requested ${p.requested}, available ${p.available})`)
        .join(', ')}`,
    );
  }
  override extensions() {
    return { products: this.products };
  }
}

export class ServiceUnavailableError extends AppError {
  /** Why, in one word for the Unavailable metric (lib/metrics.ts): worker, timeout, database, … */
  readonly reason: string;
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options: ErrorOptions & { reason?: string } = {},
  ) {
    super('service-unavailable', message, options);
    this.reason = options.reason ?? 'unknown';
  }
  override headers() {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/**
 * An operator's change to the cluster that cannot be made: setup (an unreachable
 * coordinator, a worker that cannot be added, a failed check), a migration, removing a
 * worker, isolating a tenant. Not an API answer: the command lines print its message.
 */
export class ClusterOperationError extends Error {
  override name = 'ClusterOperationError';
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
  }
}
