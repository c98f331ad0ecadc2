/**
 * Every HTTP route: method, path, who may call it, the zod schemas its handler validates
 * with and the outcomes of its own. Handlers take their validation and their access level
 * from here, the OpenAPI document is generated from here, serverless.yml lists the same
 * paths (a unit test holds them equal), and the catch-all function answers 405 from here
 * for a known path asked with another method.
 *
 * The error statuses every route shares follow from its shape and its access level, in
 * `documentedResponses`, which the OpenAPI document and the tests read: validating
 * anything can answer 400, a route that needs a credential 401 and 403, a path with ids
 * 404, a route that reads a body 415, and any route 413 (the body limit holds for every
 * request), 431, 500 and 503.
 */
import type { Access } from '../auth/access';
import {
  campaignDetailOut,
  campaignListQuery,
  campaignOut,
  campaignPath,
  clusterStatusOut,
  companyIn,
  companyOut,
  companyPath,
  conditionalHeaders,
  consoleFilePath,
  customerPath,
  healthOut,
  idempotencyHeaders,
  keyIn,
  keyListQuery,
  keyOut,
  keyPath,
  newKeyOut,
  orderIn,
  orderOut,
  orderPath,
  page,
  pageQuery,
  preflightHeaders,
  productIn,
  productListQuery,
  productOut,
  productPatch,
  productPath,
  type Schema,
} from './contract';

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

const defineRoute = <
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  H extends Schema | undefined = undefined,
>(
  spec: RouteSpec<P, Q, B, H>,
) => spec;

export const routes = {
  createCompany: defineRoute({
    operationId: 'createCompany',
    method: 'post',
    path: '/companies',
    summary: 'Create a tenant company',
    tag: 'companies',
    access: 'operator',
    body: companyIn,
    responses: { 201: { description: 'Created', schema: companyOut } },
  }),
  getCompany: defineRoute({
    operationId: 'getCompany',
    method: 'get',
    path: '/companies/{companyId}',
    summary: 'Get a company',
    tag: 'companies',
    access: 'public',
    params: companyPath,
    responses: { 200: { description: 'The company', schema: companyOut } },
  }),
  listProducts: defineRoute({
    operationId: 'listProducts',
    method: 'get',
    path: '/companies/{companyId}/products',
    summary: "List a company's products by id, with cursor pagination and an optional name search",
    tag: 'products',
    access: 'public',
    params: companyPath,
    query: productListQuery,
    responses: {
      200: { description: 'A page of products', schema: page(productOut, 'ProductPage') },
    },
  }),
  getProduct: defineRoute({
    operationId: 'getProduct',
    method: 'get',
    path: '/companies/{companyId}/products/{productId}',
    summary: 'Get a product',
    tag: 'products',
    access: 'public',
    params: productPath,
    responses: { 200: { description: 'The product', schema: productOut } },
  }),
  createProduct: defineRoute({
    operationId: 'createProduct',
    method: 'post',
    path: '/companies/{companyId}/products',
    summary: 'Create a product',
    tag: 'products',
    access: 'merchant',
    params: companyPath,
    body: productIn,
    responses: {
      201: { description: 'Created', schema: productOut },
      409: { description: 'The company already has a product with this sku' },
    },
  }),
  updateProduct: defineRoute({
    operationId: 'updateProduct',
    method: 'patch',
    path: '/companies/{companyId}/products/{productId}',
    summary: "Change a product's name, price or stock",
    tag: 'products',
    access: 'merchant',
    params: productPath,
    body: productPatch,
    responses: {
      200: { description: 'The changed product', schema: productOut },
    },
  }),
  placeOrder: defineRoute({
    operationId: 'placeOrder',
    method: 'post',
    path: '/companies/{companyId}/orders',
    summary: 'Place an order: one single-shard transaction, idempotent by the Idempotency-Key header',
    tag: 'orders',
    access: 'storefront',
    params: companyPath,
    headers: idempotencyHeaders,
    body: orderIn,
    responses: {
      201: { description: 'The order was placed', schema: orderOut },
      200: { description: 'A retry with the same key and body: the same order', schema: orderOut },
      404: { description: 'Unknown company, customer or product' },
      409: { description: 'Not enough stock (names each short product), or the key is in use' },
      422: { description: 'The Idempotency-Key was used with another body' },
    },
    counted: { status: 201, done: 'OrdersPlaced', refused: 'OrdersRefused' },
  }),
  getOrder: defineRoute({
    operationId: 'getOrder',
    method: 'get',
    path: '/companies/{companyId}/orders/{orderId}',
    summary: 'Get an order with its items',
    tag: 'orders',
    access: 'merchant',
    params: orderPath,
    responses: { 200: { description: 'The order', schema: orderOut } },
  }),
  cancelOrder: defineRoute({
    operationId: 'cancelOrder',
    method: 'post',
    path: '/companies/{companyId}/orders/{orderId}/cancel',
    summary: 'Cancel an order and restock its items; cancelling a cancelled order changes nothing',
    tag: 'orders',
    access: 'merchant',
    params: orderPath,
    responses: {
      200: { description: 'The cancelled order', schema: orderOut },
      409: {
        description: 'The order has shipped, or restocking would exceed the most stock a product can hold',
      },
    },
  }),
  listCustomerOrders: defineRoute({
    operationId: 'listCustomerOrders',
    method: 'get',
    path: '/companies/{companyId}/customers/{customerId}/orders',
    summary: "A customer's orders, newest first, with cursor pagination",
    tag: 'orders',
    access: 'merchant',
    params: customerPath,
    query: pageQuery,
    responses: {
      200: { description: 'A page of orders', schema: page(orderOut, 'OrderPage') },
    },
  }),
  listCampaigns: defineRoute({
    operationId: 'listCampaigns',
    method: 'get',
    path: '/companies/{companyId}/campaigns',
    summary: "A company's campaigns by monthly budget, largest first",
    tag: 'campaigns',
    access: 'merchant',
    params: companyPath,
    query: campaignListQuery,
    responses: {
      200: { description: 'A page of campaigns', schema: page(campaignOut, 'CampaignPage') },
    },
  }),
  getCampaign: defineRoute({
    operationId: 'getCampaign',
    method: 'get',
    path: '/companies/{companyId}/campaigns/{campaignId}',
    summary: 'A campaign with its ads and their impression and click totals',
    tag: 'campaigns',
    access: 'merchant',
    params: campaignPath,
    responses: { 200: { description: 'The campaign', schema: campaignDetailOut } },
  }),
  createKey: defineRoute({
    operationId: 'createKey',
    method: 'post',
    path: '/companies/{companyId}/keys',
    summary:
      'Make an API key for the company: its text is in this answer only. Several keys can be active at once, so a key can be rotated without downtime',
    tag: 'keys',
    access: 'merchant',
    params: companyPath,
    body: keyIn,
    responses: {
      201: { description: 'The new key, with its text (shown this once)', schema: newKeyOut },
      409: { description: 'The company already has the most active keys it may hold' },
    },
  }),
  listKeys: defineRoute({
    operationId: 'listKeys',
    method: 'get',
    path: '/companies/{companyId}/keys',
    summary: "The company's keys, newest first, revoked ones included; never a key's text",
    tag: 'keys',
    access: 'merchant',
    params: companyPath,
    query: keyListQuery,
    responses: { 200: { description: 'A page of keys', schema: page(keyOut, 'ApiKeyPage') } },
  }),
  revokeKey: defineRoute({
    operationId: 'revokeKey',
    method: 'delete',
    path: '/companies/{companyId}/keys/{keyId}',
    summary:
      'Revoke a key: refused from then on (by other function instances within API_KEY_CACHE_SECONDS); revoking it again changes nothing',
    tag: 'keys',
    access: 'merchant',
    params: keyPath,
    responses: { 204: { description: 'Revoked' } },
  }),
  health: defineRoute({
    operationId: 'health',
    method: 'get',
    path: '/health',
    summary:
      'Database reachable, Citus or plain, active workers, and which workers cannot be reached (degraded)',
    tag: 'system',
    access: 'public',
    responses: { 200: { description: 'Healthy', schema: healthOut } },
  }),
  clusterStatus: defineRoute({
    operationId: 'clusterStatus',
    method: 'get',
    path: '/cluster',
    summary:
      'The cluster: nodes with state, shards and data size; tables; the largest tenants and where they live; rebalances in progress',
    tag: 'system',
    access: 'operator',
    responses: { 200: { description: 'The cluster as it is now', schema: clusterStatusOut } },
  }),
  openapi: defineRoute({
    operationId: 'openapi',
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tag: 'system',
    access: 'public',
    responses: { 200: { description: 'The OpenAPI 3.1 document' } },
  }),
};

/** The catch-all for paths no route matches; not part of the documented API. */
export const notFoundRoute = defineRoute({
  operationId: 'notFound',
  method: 'get',
  path: '/{proxy+}',
  summary: 'No such route',
  tag: 'system',
  access: 'public',
  headers: preflightHeaders,
  responses: {
    204: {
      description:
        'A CORS preflight request from an origin in CORS_ORIGINS, for a public or storefront route',
    },
    404: { description: 'No route matches' },
    405: { description: 'The path exists with other methods: the Allow header lists them' },
  },
});

/**
 * The console (web/, built to web/dist): a page and its files, served by the same service
 * under /console, clear of the API. They are HTTP functions like the API's, but not part of
 * the API, so the OpenAPI document leaves them out.
 */
export const consoleRoutes = {
  consolePage: defineRoute({
    operationId: 'consolePage',
    method: 'get',
    path: '/console',
    summary: 'The console: the cluster and the shop in a browser',
    tag: 'console',
    access: 'public',
    headers: conditionalHeaders,
    responses: {
      200: { description: 'The page (text/html, Cache-Control: no-cache, with an ETag)' },
      304: { description: 'The page has not changed since the ETag sent in If-None-Match' },
      404: { description: 'The console has not been built on this server' },
    },
  }),
  consoleFile: defineRoute({
    operationId: 'consoleFile',
    method: 'get',
    path: '/console/{file+}',
    summary: "A file of the console's build: scripts, styles and images",
    tag: 'console',
    access: 'public',
    params: consoleFilePath,
    headers: conditionalHeaders,
    responses: {
      200: { description: 'The file; hashed assets are immutable, anything else is revalidated' },
      304: { description: 'The file has not changed since the ETag sent in If-None-Match' },
    },
  }),
};

const shared = {
  invalid: { description: 'The request is not valid: `errors` lists each issue, or the JSON is malformed' },
  notFound: { description: 'The company or the resource does not exist' },
  tooLarge: { description: 'The body is larger than MAX_BODY_BYTES' },
  mediaType: { description: 'The body is not sent as application/json' },
  headers: { description: 'The headers are larger than MAX_HEADER_BYTES' },
  unauthorized: {
    description:
      'No credential, or one that is not valid (unknown, revoked or malformed); WWW-Authenticate names the Bearer scheme',
  },
  forbidden: {
    description:
      'The credential is valid but does not allow this: a publishable key on a merchant route, a company key on an operator route',
  },
  internal: { description: 'An unexpected error; the detail names the request id only' },
  unavailable: { description: 'The database cannot serve now; retry after Retry-After seconds' },
} satisfies Record<string, ResponseSpec>;

/** True when the route's handler validates any part of the request. */
const validatesInput = (route: RouteSpec): boolean =>
  Boolean(route.params || route.query || route.headers || route.body);

/**
 * Every status a route can answer, as documented: the statuses its shape brings and then
 * its own outcomes (whose descriptions win). Every error is application/problem+json.
 */
export function documentedResponses(route: RouteSpec): Record<number, ResponseSpec> {
  const responses: Record<number, ResponseSpec> = {};
  if (validatesInput(route)) responses[400] = shared.invalid;
  if (route.access !== 'public')
    Object.assign(responses, { 401: shared.unauthorized, 403: shared.forbidden });
  if (route.params) responses[404] = shared.notFound;
  // Any request may carry a body, and every handler refuses one over the limit before
  // anything reads it, so 413 is every route's; 415 only a route that reads its body.
  if (route.body) responses[415] = shared.mediaType;
  Object.assign(responses, {
    413: shared.tooLarge,
    431: shared.headers,
    500: shared.internal,
    503: shared.unavailable,
  });
  return { ...responses, ...route.responses };
}

type RouteName = keyof typeof routes | keyof typeof consoleRoutes;

/**
 * Each route's path as a pattern, made on first use (the catch-all and CORS preflights
 * match paths; no other function does). `{name}` takes one path segment; `{name+}` (API
 * Gateway's greedy variable) one or more.
 */
let templates: { name: RouteName; route: RouteSpec; names: string[]; pattern: RegExp }[] | undefined;
const pathTemplates = () =>
  (templates ??= Object.entries({ ...routes, ...consoleRoutes }).map(([name, route]) => {
    const names: string[] = [];
    const source = route.path
      .replace(/[.]/g, '\\.')
      .replace(/\{(\w+)(\+?)\}/g, (_, param: string, greedy: string) => {
        names.push(param);
        return greedy ? '(.+)' : '([^/]+)';
      });
    return { name: name as RouteName, route: route as RouteSpec, names, pattern: new RegExp(`^${source}$`) };
  }));

export interface RouteMatch {
  name: RouteName;
  route: RouteSpec;
  /** The path parameters as they appear in the path (still percent-encoded). */
  params: Record<string, string>;
}

/** Every route whose path template matches a concrete path, whatever its method. */
export function matchPath(path: string): RouteMatch[] {
  return pathTemplates().flatMap(({ name, route, names, pattern }) => {
    const match = pattern.exec(path);
    if (!match) return [];
    return [{ name, route, params: Object.fromEntries(names.map((n, i) => [n, match[i + 1] ?? ''])) }];
  });
}

/** The methods a concrete path answers (uppercase, as in an Allow header); none for an unknown path. */
export function allowedMethods(path: string): string[] {
  return matchPath(path).map((m) => m.route.method.toUpperCase());
}
