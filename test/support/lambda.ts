/** Invoking handlers in-process with API Gateway v2 (HTTP API) events, as Lambda would. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteSpec } from '../../lib/http/routes';
import baseEvent from '../events/http-api-v2.json';
import { authorization, type Credential } from './credentials';

export const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test',
  memoryLimitInMB: '256',
  awsRequestId: 'test',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/**
 * For a describe block whose handlers read the configuration (size limits) but never
 * connect: a DATABASE_URL that nothing answers while its tests run, unless one is set.
 */
export function withUnusedDatabaseUrl(): void {
  const saved = process.env.DATABASE_URL;
  beforeAll(() => {
    process.env.DATABASE_URL ??= 'postgres://nobody@127.0.0.1:1/none';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
  });
}

export interface EventOptions {
  params?: Record<string, string | number>;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** A value to send as JSON (content-type application/json is added). */
  body?: unknown;
  /** The body exactly as sent, with no content-type added. */
  rawBody?: string;
  /**
   * Who the request speaks as (see credentials.ts). By default: nobody on a public route,
   * the company's secret key on a company's route, the operator on an operator route.
   */
  as?: Credential;
}

/** The credential a test sends when it does not say. */
function defaultCredential(route: RouteSpec, opts: EventOptions): Credential {
  if (route.access === 'public') return 'anonymous';
  if (route.access === 'operator' || opts.params?.companyId === undefined) return 'operator';
  return 'secret';
}

export function httpEvent(route: RouteSpec, opts: EventOptions = {}): APIGatewayProxyEventV2 {
  const params = Object.fromEntries(Object.entries(opts.params ?? {}).map(([k, v]) => [k, String(v)]));
  const path = route.path.replace(/\{(\w+)\+?\}/g, (whole, name: string) => params[name] ?? whole);
  const query = opts.query
    ? Object.fromEntries(Object.entries(opts.query).map(([k, v]) => [k, String(v)]))
    : undefined;
  const headers: Record<string, string> = { ...baseEvent.headers, ...opts.headers };
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  return {
    ...baseEvent,
    routeKey: `${route.method.toUpperCase()} ${route.path}`,
    rawPath: path,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers,
    queryStringParameters: query,
    pathParameters: opts.params ? params : undefined,
    body,
    requestContext: {
      ...baseEvent.requestContext,
      requestId: randomUUID(),
      http: { ...baseEvent.requestContext.http, method: route.method.toUpperCase(), path },
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  headers: Record<string, string | number | boolean>;
  body: T;
}

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Runs `handler` on the event and parses its JSON body. */
export async function invoke<T = Record<string, unknown>>(
  handler: Handler,
  route: RouteSpec,
  opts: EventOptions = {},
): Promise<Reply<T>> {
  const companyId = opts.params?.companyId === undefined ? undefined : Number(opts.params.companyId);
  let credentials: Record<string, string> = {};
  if (opts.headers?.authorization === undefined) {
    credentials = opts.as
      ? await authorization(opts.as, companyId)
      : // A company that cannot have a key (an unknown id, a malformed one, the database
        // down) is asked about by the operator, who may ask about any company.
        await authorization(defaultCredential(route, opts), companyId).catch(() =>
          authorization('operator', companyId),
        );
  }
  const event = httpEvent(route, { ...opts, headers: { ...credentials, ...opts.headers } });
  const result = await handler(event, context);
  return {
    status: result.statusCode ?? 0,
    headers: result.headers ?? {},
    body: (result.body ? JSON.parse(result.body) : undefined) as T,
  };
}
