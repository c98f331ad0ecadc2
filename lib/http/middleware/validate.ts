/**
 * Validation at the edge: the route's zod schemas parse the path, query, headers and
 * body, every issue is collected into one 400 `validation` problem, and the parsed values
 * are left on `request.event.input` for the handler, whose types come from the schemas.
 */
import type { ZodType, z } from 'zod';
import { type FieldIssue, ValidationError } from '../../errors';
import type { RouteSpec } from '../routes';
import type { HttpEvent, HttpMiddleware } from './types';

/** The parsed type of an optional schema; `undefined` where the route has none. */
type Parsed<S> = [S] extends [undefined] ? undefined : z.output<Exclude<S, undefined>>;

/** A request as the handler sees it: every part parsed by the route's schemas. */
export interface HttpRequest<R extends RouteSpec> {
  params: Parsed<R['params']>;
  query: Parsed<R['query']>;
  headers: Parsed<R['headers']>;
  body: Parsed<R['body']>;
}

/** The event once validateRequest has run. */
export type ValidatedEvent<R extends RouteSpec> = HttpEvent & { input: HttpRequest<R> };

type Part = 'params' | 'query' | 'headers' | 'body';

function parsePart(schema: ZodType | undefined, value: unknown, part: Part, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({
      path: [part === 'params' ? 'path' : part, ...issue.path.map(String)].join('.'),
      message: issue.message,
    });
  }
  return undefined;
}

export const validateRequest = (route: RouteSpec): HttpMiddleware => ({
  before: async ({ event }) => {
    const issues: FieldIssue[] = [];
    const input = {
      params: parsePart(route.params, event.pathParameters ?? {}, 'params', issues),
      query: parsePart(route.query, event.queryStringParameters ?? {}, 'query', issues),
      headers: parsePart(route.headers, event.headers ?? {}, 'headers', issues),
      body: parsePart(route.body, event.body, 'body', issues),
    };
    if (issues.length > 0) {
      throw new ValidationError(
        `The request is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        issues,
      );
    }
    (event as ValidatedEvent<RouteSpec>).input = input as HttpRequest<RouteSpec>;
  },
});
