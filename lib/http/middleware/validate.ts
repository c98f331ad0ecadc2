/**
 * Validation at the edge: the route's zod schemas parse the path, query, headers and
 * body, every issue is collected into one 400 `validation` problem, and the parsed values
 * are left on `request.event.input` for the handler, whose types come from the schemas.
 */
import { type FieldIssue, ValidationError } from '../../errors';
import type * as z from '../../zod';
import type { RouteSpec, Schema } from '../route-spec';
import type { HttpEvent, HttpMiddleware } from './types';

/** The parsed type of an optional schema; `undefined` where the route has none. */
type Parsed<S> = [S] extends [undefined] ? undefined : z.output<Exclude<S, undefined>>;

/** A request as the handler sees it: every part parsed by the route's schemas. */
export interface HttpRequest<R extends RouteSpec> {
  /** The method as received, uppercase. */
  method: string;
  /** The path as received. */
  path: string;
  params: Parsed<R['params']>;
  query: Parsed<R['query']>;
  headers: Parsed<R['headers']>;
  body: Parsed<R['body']>;
}

/** The event once validateRequest has run. */
export type ValidatedEvent<R extends RouteSpec> = HttpEvent & { input: HttpRequest<R> };

type Part = 'params' | 'query' | 'headers' | 'body';

/** What zod says in its own words, said in the API's: each builder in the contract has its own message. */
function apiMessage(issue: { code: string; input?: unknown; expected?: string }): string | undefined {
  if (issue.input === undefined) return 'is required';
  if (issue.code !== 'invalid_type') return undefined;
  switch (issue.expected) {
    case 'object':
      return 'must be a JSON object';
    case 'array':
      return 'must be a list';
    case 'string':
      return 'must be text';
    case 'number':
      return 'must be a number';
    default:
      return `must be ${issue.expected}`;
  }
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  /** The value found (parsed with reportInput); never copied into a response. */
  input?: unknown;
  /** invalid_union: each alternative's issues. */
  errors?: Issue[][];
}

/**
 * The issues to report. When no alternative of a union matches, the one the value was
 * meant to be speaks for it: its fields are all known (no issue at its own root) and at
 * least one of them was given. So `{"email", "name": "\u0000"}` says what is wrong with
 * the name, and `{}` that the customer is neither form.
 */
function flatten(issue: Issue): { path: PropertyKey[]; message: string }[] {
  if (issue.code !== 'invalid_union' || !issue.errors) return [issue];
  const meant = (alternative: Issue[]) =>
    alternative.length > 0 &&
    alternative.every((i) => i.path.length > 0) &&
    alternative.some((i) => i.input !== undefined);
  const shaped = issue.errors.filter(meant).sort((a, b) => a.length - b.length)[0];
  if (!shaped) return [issue];
  return shaped.flatMap(flatten).map((i) => ({ path: [...issue.path, ...i.path], message: i.message }));
}

function parsePart(schema: Schema | undefined, value: unknown, part: Part, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value, { error: apiMessage, reportInput: true });
  if (result.success) return result.data;
  for (const issue of (result.error.issues as Issue[]).flatMap(flatten)) {
    const path = [part === 'params' ? 'path' : part, ...issue.path.map(String)].join('.');
    // One message per place: a number out of range can fail two checks that say the same.
    if (!issues.some((seen) => seen.path === path && seen.message === issue.message)) {
      issues.push({ path, message: issue.message });
    }
  }
  return undefined;
}

export const validateRequest = (route: RouteSpec): HttpMiddleware => ({
  before: async ({ event }) => {
    const issues: FieldIssue[] = [];
    const input = {
      method: (event.requestContext?.http?.method ?? '').toUpperCase(),
      path: event.rawPath ?? '',
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
