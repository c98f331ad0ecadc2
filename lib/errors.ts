/**
 * Typed errors. Each carries an HTTP status and a stable problem `type`; the one
 * error middleware (lib/http/middleware/problem.ts) turns them into application/problem+json.
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

export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  /** Stable slug; the problem `type` is `/problems/<slug>`. */
  abstract readonly type: string;
  abstract readonly title: string;
  /** Extra members for the problem document. */
  extensions(): Record<string, unknown> {
    return {};
  }
  /** Extra response headers. */
  headers(): Record<string, string> {
    return {};
  }

  /** What a 5xx tells the client; see ErrorOptions. */
  readonly publicDetail?: string;

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.publicDetail = options.publicDetail;
  }
}

export class ValidationError extends AppError {
  readonly statusCode = 400;
  readonly type = 'validation';
  readonly title = 'The request is not valid';
  constructor(
    message: string,
    readonly errors: FieldIssue[] = [],
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
  override extensions() {
    return { errors: this.errors };
  }
}

export class MalformedJsonError extends AppError {
  readonly statusCode = 400;
  readonly type = 'malformed-json';
  readonly title = 'The body is not valid JSON';
}

export class NotFoundError extends AppError {
  readonly statusCode = 404;
  readonly type = 'not-found';
  readonly title = 'Not found';
}

export class RouteNotFoundError extends AppError {
  readonly statusCode = 404;
  readonly type = 'route-not-found';
  readonly title = 'No such route';
}

/** No credential, or one that is not valid: the answer names the Bearer scheme (RFC 6750). */
export class UnauthorizedError extends AppError {
  readonly statusCode = 401;
  readonly type = 'unauthorized';
  readonly title = 'Authentication required';
  constructor(
    message: string,
    /** A credential was sent and is not valid (malformed, unknown, revoked, not the token). */
    readonly invalidCredential = false,
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
  override headers() {
    return {
      'WWW-Authenticate': this.invalidCredential
        ? 'Bearer realm="distribushop", error="invalid_token"'
        : 'Bearer realm="distribushop"',
    };
  }
}

/** A valid credential that does not allow this route (a publishable key on a merchant route). */
export class ForbiddenError extends AppError {
  readonly statusCode = 403;
  readonly type = 'forbidden';
  readonly title = 'The credential does not allow this request';
}

export class MethodNotAllowedError extends AppError {
  readonly statusCode = 405;
  readonly type = 'method-not-allowed';
  readonly title = 'The method is not allowed on this path';
  constructor(
    message: string,
    /** The methods the path answers, for the Allow header. */
    readonly allowed: string[],
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
  override extensions() {
    return { allow: this.allowed };
  }
  override headers() {
    return { Allow: this.allowed.join(', ') };
  }
}

export class ConflictError extends AppError {
  readonly statusCode = 409;
  readonly type: string = 'conflict';
  readonly title: string = 'The request conflicts with the current state';
}

export interface ShortProduct {
  productId: number;
  requested: number;
  available: number;
}

export class InsufficientStockError extends ConflictError {
  override readonly type = 'insufficient-stock';
  override readonly title = 'Not enough stock';
  constructor(readonly products: ShortProduct[]) {
    super(
      `Not enough stock for ${products
        .map((p) => `product ${p.productId} (requested ${p.requested}, available ${p.available})`)
        .join(', ')}`,
    );
  }
  override extensions() {
    return { products: this.products };
  }
}

export class IdempotencyKeyReuseError extends AppError {
  readonly statusCode = 422;
  readonly type = 'idempotency-key-reused';
  readonly title = 'The Idempotency-Key was already used with a different request';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly statusCode = 415;
  readonly type = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
}

export class PayloadTooLargeError extends AppError {
  readonly statusCode = 413;
  readonly type = 'payload-too-large';
  readonly title = 'The body is too large';
}

export class HeadersTooLargeError extends AppError {
  readonly statusCode = 431;
  readonly type = 'headers-too-large';
  readonly title = 'The request headers are too large';
}

export class ServiceUnavailableError extends AppError {
  readonly statusCode = 503;
  readonly type = 'service-unavailable';
  readonly title = 'The service is temporarily unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
  override headers() {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** A cluster that cannot be set up: unreachable coordinator, a worker that cannot be added, a failed check. */
export class ClusterSetupError extends Error {
  override name = 'ClusterSetupError';
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
  }
}
