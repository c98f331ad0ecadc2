/**
 * Every HTTP route: method, path, who may call it, the zod schemas its handler validates
 * with and the outcomes of its own. Handlers take their validation and their access level
 * from here, the OpenAPI document is generated from here, serverless.yml lists the same
 * paths (a unit test holds them equal), and the catch-all function answers 405 from here
 * for a known path asked with another method (route-match.ts). The error statuses every
 * route shares follow from its shape and its access level (documented-responses.ts).
 *
 * Each route is a constant of its own, marked pure, and a function imports this module as
 * a namespace (`import * as routes`) and names its one route: esbuild then leaves the
 * other routes' paths and descriptions out of that function's bundle (about 6 KB each).
 * `routes` and `consoleRoutes` are the tables, for the catch-all and the document.
 */
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
} from './contract';
import { defineRoute } from './route-spec';

export type { ResponseSpec, RouteSpec, Schema } from './route-spec';

export const createCompany = /* @__PURE__ */ defineRoute({
  operationId: 'createCompany',
  method: 'post',
  path: '/companies',
  summary: 'Create a tenant company',
  tag: 'companies',
  access: 'operator',
  body: companyIn,
  responses: { 201: { description: 'Created', schema: companyOut } },
});

export const getCompany = /* @__PURE__ */ defineRoute({
  operationId: 'getCompany',
  method: 'get',
  path: '/companies/{companyId}',
  summary: 'Get a company',
  tag: 'companies',
  access: 'public',
  params: companyPath,
  responses: { 200: { description: 'The company', schema: companyOut } },
});

export const listProducts = /* @__PURE__ */ defineRoute({
  operationId: 'listProducts',
  method: 'get',
  path: '/companies/{companyId}/products',
  summary: "List a company's products by id, with cursor pagination and an optional name search",
  tag: 'products',
  access: 'public',
  params: companyPath,
  query: productListQuery,
  responses: {
    200: { description: 'A page of products', schema: /* @__PURE__ */ page(productOut, 'ProductPage') },
  },
});

export const getProduct = /* @__PURE__ */ defineRoute({
  operationId: 'getProduct',
  method: 'get',
  path: '/companies/{companyId}/products/{productId}',
  summary: 'Get a product',
  tag: 'products',
  access: 'public',
  params: productPath,
  responses: { 200: { description: 'The product', schema: productOut } },
});

export const createProduct = /* @__PURE__ */ defineRoute({
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
});

export const updateProduct = /* @__PURE__ */ defineRoute({
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
});

export const placeOrder = /* @__PURE__ */ defineRoute({
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
});

export const getOrder = /* @__PURE__ */ defineRoute({
  operationId: 'getOrder',
  method: 'get',
  path: '/companies/{companyId}/orders/{orderId}',
  summary: 'Get an order with its items',
  tag: 'orders',
  access: 'merchant',
  params: orderPath,
  responses: { 200: { description: 'The order', schema: orderOut } },
});

export const cancelOrder = /* @__PURE__ */ defineRoute({
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
});

export const listCustomerOrders = /* @__PURE__ */ defineRoute({
  operationId: 'listCustomerOrders',
  method: 'get',
  path: '/companies/{companyId}/customers/{customerId}/orders',
  summary: "A customer's orders, newest first, with cursor pagination",
  tag: 'orders',
  access: 'merchant',
  params: customerPath,
  query: pageQuery,
  responses: {
    200: { description: 'A page of orders', schema: /* @__PURE__ */ page(orderOut, 'OrderPage') },
  },
});

export const listCampaigns = /* @__PURE__ */ defineRoute({
  operationId: 'listCampaigns',
  method: 'get',
  path: '/companies/{companyId}/campaigns',
  summary: "A company's campaigns by monthly budget, largest first",
  tag: 'campaigns',
  access: 'merchant',
  params: companyPath,
  query: campaignListQuery,
  responses: {
    200: { description: 'A page of campaigns', schema: /* @__PURE__ */ page(campaignOut, 'CampaignPage') },
  },
});

export const getCampaign = /* @__PURE__ */ defineRoute({
  operationId: 'getCampaign',
  method: 'get',
  path: '/companies/{companyId}/campaigns/{campaignId}',
  summary: 'A campaign with its ads and their impression and click totals',
  tag: 'campaigns',
  access: 'merchant',
  params: campaignPath,
  responses: { 200: { description: 'The campaign', schema: campaignDetailOut } },
});

export const createKey = /* @__PURE__ */ defineRoute({
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
});

export const listKeys = /* @__PURE__ */ defineRoute({
  operationId: 'listKeys',
  method: 'get',
  path: '/companies/{companyId}/keys',
  summary: "The company's keys, newest first, revoked ones included; never a key's text",
  tag: 'keys',
  access: 'merchant',
  params: companyPath,
  query: keyListQuery,
  responses: { 200: { description: 'A page of keys', schema: /* @__PURE__ */ page(keyOut, 'ApiKeyPage') } },
});

export const revokeKey = /* @__PURE__ */ defineRoute({
  operationId: 'revokeKey',
  method: 'delete',
  path: '/companies/{companyId}/keys/{keyId}',
  summary:
    'Revoke a key: refused from then on (by other function instances within API_KEY_CACHE_SECONDS); revoking it again changes nothing',
  tag: 'keys',
  access: 'merchant',
  params: keyPath,
  responses: { 204: { description: 'Revoked' } },
});

export const health = /* @__PURE__ */ defineRoute({
  operationId: 'health',
  method: 'get',
  path: '/health',
  summary:
    'Database reachable, Citus or plain, active workers, and which workers cannot be reached (degraded)',
  tag: 'system',
  access: 'public',
  responses: { 200: { description: 'Healthy', schema: healthOut } },
});

export const clusterStatus = /* @__PURE__ */ defineRoute({
  operationId: 'clusterStatus',
  method: 'get',
  path: '/cluster',
  summary:
    'The cluster: nodes with state, shards and data size; tables; the largest tenants and where they live; rebalances in progress',
  tag: 'system',
  access: 'operator',
  responses: { 200: { description: 'The cluster as it is now', schema: clusterStatusOut } },
});

export const openapi = /* @__PURE__ */ defineRoute({
  operationId: 'openapi',
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  tag: 'system',
  access: 'public',
  responses: { 200: { description: 'The OpenAPI 3.1 document' } },
});

export const routes = {
  createCompany,
  getCompany,
  listProducts,
  getProduct,
  createProduct,
  updateProduct,
  placeOrder,
  getOrder,
  cancelOrder,
  listCustomerOrders,
  listCampaigns,
  getCampaign,
  createKey,
  listKeys,
  revokeKey,
  health,
  clusterStatus,
  openapi,
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
export const consolePage = /* @__PURE__ */ defineRoute({
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
});

export const consoleFile = /* @__PURE__ */ defineRoute({
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
});

export const consoleRoutes = {
  consolePage,
  consoleFile,
};
