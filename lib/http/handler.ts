/**
 * The middy stack every HTTP handler shares: request log, header normalizing, body size
 * limit, JSON body parsing, zod validation of path, query, headers and body (the parsed
 * values replace the raw ones), and the problem+json error handler, registered last.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ZodType, z } from 'zod';
import { config } from '../config';
import { type FieldIssue, PayloadTooLargeError, ValidationError } from '../errors';
import { problemHandler } from './problem';
import { requestLog } from './request-log';
import type { RouteSpec } from './routes';

/** The parsed type of an optional schema; `undefined` where the route has none. */
type Parsed<S> = [S] extends [undefined] ? undefined : z.output<Exclude<S, undefined>>;

export interface HttpRequest<R extends RouteSpec> {
  params: Parsed<R['params']>;
  query: Parsed<R['query']>;
  headers: Parsed<R['headers']>;
  body: Parsed<R['body']>;
}

export interface HttpResult {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): HttpResult => ({ statusCode: 200, body });
export const created = (body: unknown): HttpResult => ({ statusCode: 201, body });

type Part = 'params' | 'query' | 'headers' | 'body';

function validate<S extends ZodType>(
  schema: S,
  value: unknown,
  part: Part,
  issues: FieldIssue[],
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({
      path: [part === 'params' ? 'path' : part, ...issue.path.map(String)].join('.'),
      message: issue.message,
    });
  }
  return undefined as z.output<S>;
}

const parsedRequests = new WeakMap<object, HttpRequest<RouteSpec>>();

/** Builds a Lambda handler for `route` around `handle`, which receives validated input. */
export function httpHandler<R extends RouteSpec>(
  route: R,
  handle: (request: HttpRequest<R>) => Promise<HttpResult>,
) {
  const maxBytes = config().MAX_BODY_BYTES;
  const stack = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(requestLog(`${route.method.toUpperCase()} ${route.path}`))
    .use(httpHeaderNormalizer())
    .use({
      before: async ({ event }) => {
        const size = event.body
          ? Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
          : 0;
        if (size > maxBytes) {
          throw new PayloadTooLargeError(`The body is ${size} bytes; the limit is ${maxBytes}`);
        }
      },
    });
  if (route.body) stack.use(httpJsonBodyParser());
  stack
    .use({
      before: async ({ event }) => {
        const issues: FieldIssue[] = [];
        const parsed: HttpRequest<RouteSpec> = {
          params: route.params
            ? validate(route.params, event.pathParameters ?? {}, 'params', issues)
            : undefined,
          query: route.query
            ? validate(route.query, event.queryStringParameters ?? {}, 'query', issues)
            : undefined,
          headers: route.headers
            ? validate(route.headers, event.headers ?? {}, 'headers', issues)
            : undefined,
          body: route.body ? validate(route.body, event.body, 'body', issues) : undefined,
        };
        if (issues.length > 0) {
          throw new ValidationError(
            `The request is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
            issues,
          );
        }
        parsedRequests.set(event, parsed);
      },
    })
    .use(problemHandler());
  return stack.handler(async (event): Promise<APIGatewayProxyStructuredResultV2> => {
    const result = await handle(parsedRequests.get(event) as HttpRequest<R>);
    return {
      statusCode: result.statusCode,
      headers: { 'content-type': 'application/json', ...result.headers },
      body: JSON.stringify(result.body),
    };
  });
}
