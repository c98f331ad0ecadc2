/**
 * Every HTTP route: method, path, the zod schemas its handler validates with and the
 * responses it documents. Handlers take their validation from here and the OpenAPI
 * document is generated from here; serverless.yml lists the same paths.
 */
import type { ZodType } from 'zod';
import {
  campaignDetailOut,
  campaignListQuery,
  campaignOut,
  campaignPath,
  clusterStatusOut,
  companyIn,
  companyOut,
  companyPath,
  customerPath,
  healthOut,
  idempotencyHeaders,
  orderIn,
  orderOut,
  orderPath,
  page,
  pageQuery,
  productIn,
  productListQuery,
  productOut,
  productPatch,
  productPath,
} from './contract';

export interface ResponseSpec {
  description: string;
  schema?: ZodType;
}

export interface RouteSpec<
  P extends ZodType | undefined = ZodType | undefined,
  Q extends ZodType | undefined = ZodType | undefined,
  B extends ZodType | undefined = ZodType | undefined,
  H extends ZodType | undefined = ZodType | undefined,
> {
  operationId: string;
  method: 'get' | 'post' | 'patch';
  /** API Gateway path template, e.g. `/companies/{companyId}`. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  headers?: H;
  /** `admin`: an operator endpoint, behind ADMIN_TOKEN when one is configured. */
  auth?: 'admin';
  responses: Record<number, ResponseSpec>;
}

const defineRoute = <
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
  H extends ZodType | undefined = undefined,
>(
  spec: RouteSpec<P, Q, B, H>,
) => spec;

const notFound = { description: 'The company or the resource does not exist (problem+json)' };
const invalid = { description: 'The request is not valid (problem+json, with `errors`)' };

export const routes = {
  createCompany: defineRoute({
    operationId: 'createCompany',
    method: 'post',
    path: '/companies',
    summary: 'Create a tenant company',
    tag: 'companies',
    body: companyIn,
    responses: { 201: { description: 'Created', schema: companyOut }, 400: invalid },
  }),
  getCompany: defineRoute({
    operationId: 'getCompany',
    method: 'get',
    path: '/companies/{companyId}',
    summary: 'Get a company',
    tag: 'companies',
    params: companyPath,
    responses: { 200: { description: 'The company', schema: companyOut }, 404: notFound },
  }),
  listProducts: defineRoute({
    operationId: 'listProducts',
    method: 'get',
    path: '/companies/{companyId}/products',
    summary: "List a company's products by id, with cursor pagination and an optional name search",
    tag: 'products',
    params: companyPath,
    query: productListQuery,
    responses: {
      200: { description: 'A page of products', schema: page(productOut, 'ProductPage') },
      404: notFound,
    },
  }),
  getProduct: defineRoute({
    operationId: 'getProduct',
    method: 'get',
    path: '/companies/{companyId}/products/{productId}',
    summary: 'Get a product',
    tag: 'products',
    params: productPath,
    responses: { 200: { description: 'The product', schema: productOut }, 404: notFound },
  }),
  createProduct: defineRoute({
    operationId: 'createProduct',
    method: 'post',
    path: '/companies/{companyId}/products',
    summary: 'Create a product',
    tag: 'products',
    params: companyPath,
    body: productIn,
    responses: {
      201: { description: 'Created', schema: productOut },
      400: invalid,
      404: notFound,
      409: { description: 'The company already has a product with this sku' },
    },
  }),
  updateProduct: defineRoute({
    operationId: 'updateProduct',
    method: 'patch',
    path: '/companies/{companyId}/products/{productId}',
    summary: "Change a product's name, price or stock",
    tag: 'products',
    params: productPath,
    body: productPatch,
    responses: {
      200: { description: 'The changed product', schema: productOut },
      400: invalid,
      404: notFound,
    },
  }),
  placeOrder: defineRoute({
    operationId: 'placeOrder',
    method: 'post',
    path: '/companies/{companyId}/orders',
    summary: 'Place an order: one single-shard transaction, idempotent by the Idempotency-Key header',
    tag: 'orders',
    params: companyPath,
    headers: idempotencyHeaders,
    body: orderIn,
    responses: {
      201: { description: 'The order was placed', schema: orderOut },
      200: { description: 'A retry with the same key and body: the same order', schema: orderOut },
      400: invalid,
      404: { description: 'Unknown company, customer or product' },
      409: { description: 'Not enough stock (names each short product), or the key is in use' },
      422: { description: 'The Idempotency-Key was used with another body' },
    },
  }),
  getOrder: defineRoute({
    operationId: 'getOrder',
    method: 'get',
    path: '/companies/{companyId}/orders/{orderId}',
    summary: 'Get an order with its items',
    tag: 'orders',
    params: orderPath,
    responses: { 200: { description: 'The order', schema: orderOut }, 404: notFound },
  }),
  cancelOrder: defineRoute({
    operationId: 'cancelOrder',
    method: 'post',
    path: '/companies/{companyId}/orders/{orderId}/cancel',
    summary: 'Cancel an order and restock its items; cancelling a cancelled order changes nothing',
    tag: 'orders',
    params: orderPath,
    responses: {
      200: { description: 'The cancelled order', schema: orderOut },
      404: notFound,
      409: { description: 'The order has shipped and cannot be cancelled' },
    },
  }),
  listCustomerOrders: defineRoute({
    operationId: 'listCustomerOrders',
    method: 'get',
    path: '/companies/{companyId}/customers/{customerId}/orders',
    summary: "A customer's orders, newest first, with cursor pagination",
    tag: 'orders',
    params: customerPath,
    query: pageQuery,
    responses: {
      200: { description: 'A page of orders', schema: page(orderOut, 'OrderPage') },
      404: notFound,
    },
  }),
  listCampaigns: defineRoute({
    operationId: 'listCampaigns',
    method: 'get',
    path: '/companies/{companyId}/campaigns',
    summary: "A company's campaigns by monthly budget, largest first",
    tag: 'campaigns',
    params: companyPath,
    query: campaignListQuery,
    responses: {
      200: { description: 'A page of campaigns', schema: page(campaignOut, 'CampaignPage') },
      404: notFound,
    },
  }),
  getCampaign: defineRoute({
    operationId: 'getCampaign',
    method: 'get',
    path: '/companies/{companyId}/campaigns/{campaignId}',
    summary: 'A campaign with its ads and their impression and click totals',
    tag: 'campaigns',
    params: campaignPath,
    responses: { 200: { description: 'The campaign', schema: campaignDetailOut }, 404: notFound },
  }),
  health: defineRoute({
    operationId: 'health',
    method: 'get',
    path: '/health',
    summary:
      'Database reachable, Citus or plain, active workers, and which workers cannot be reached (degraded)',
    tag: 'system',
    responses: {
      200: { description: 'Healthy', schema: healthOut },
      503: { description: 'The database is not reachable' },
    },
  }),
  clusterStatus: defineRoute({
    operationId: 'clusterStatus',
    method: 'get',
    path: '/cluster',
    summary:
      'The cluster: nodes with state, shards and data size; tables; the largest tenants and where they live; rebalances in progress',
    tag: 'system',
    auth: 'admin',
    responses: {
      200: { description: 'The cluster as it is now', schema: clusterStatusOut },
      401: { description: 'ADMIN_TOKEN is configured and the request did not carry it as a bearer token' },
      503: { description: 'The coordinator is not reachable' },
    },
  }),
  openapi: defineRoute({
    operationId: 'openapi',
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tag: 'system',
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
  responses: { 404: { description: 'No route matches' } },
});
