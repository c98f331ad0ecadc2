/**
 * What a route is: its method, path, who may call it, the zod schemas its handler
 * validates with, its own outcomes and the metrics of them. The routes themselves are in
 * routes.ts.
 */
import type { Access } from '../auth/access';
import type { Schema } from './contract';

export type { Schema } from './contract';

export interface ResponseSpec {
  description: string;
  schema?: Schema;
}

export interface RouteSpec<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  H extends Schema | undefined = Schema | undefined,
> {
  operationId: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  /** API Gateway path template, e.g. `/companies/{companyId}`. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  headers?: H;
  /** Who may call it (lib/auth/access.ts): public, storefront, merchant or operator. */
  access: Access;
  /** The route's own outcomes: its successes and the errors only it has. */
  responses: Record<number, ResponseSpec>;
  /**
   * Metrics of its outcomes (lib/metrics.ts): `done` counts each answer of `status`,
   * `refused` each 4xx, by its problem type as the reason.
   */
  counted?: { status: number; done: string; refused: string };
}

/** A route, its schemas' types kept for the handler that serves it. */
export const defineRoute = <
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  H extends Schema | undefined = undefined,
>(
  spec: RouteSpec<P, Q, B, H>,
) => spec;
