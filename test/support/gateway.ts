/**
 * The HTTP API as API Gateway routes it, in-process: a method and a raw path are matched
 * against the route table's templates, the path parameters are taken out of the path
 * (percent-decoded), and the event goes to that route's function, or to the catch-all
 * function when no route takes the method and path.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler as getCampaign } from '../../functions/campaigns/get';
import { handler as listCampaigns } from '../../functions/campaigns/list';
import { handler as createCompany } from '../../functions/companies/create';
import { handler as getCompany } from '../../functions/companies/get';
import { handler as consoleFile } from '../../functions/console/file';
import { handler as consolePage } from '../../functions/console/page';
import { handler as createKey } from '../../functions/keys/create';
import { handler as listKeys } from '../../functions/keys/list';
import { handler as revokeKey } from '../../functions/keys/revoke';
import { handler as cancelOrder } from '../../functions/orders/cancel';
import { handler as getOrder } from '../../functions/orders/get';
import { handler as listCustomerOrders } from '../../functions/orders/list-by-customer';
import { handler as placeOrder } from '../../functions/orders/place';
import { handler as createProduct } from '../../functions/products/create';
import { handler as getProduct } from '../../functions/products/get';
import { handler as listProducts } from '../../functions/products/list';
import { handler as updateProduct } from '../../functions/products/update';
import { handler as clusterStatus } from '../../functions/system/cluster';
import { handler as health } from '../../functions/system/health';
import { handler as notFound } from '../../functions/system/not-found';
import { handler as openapi } from '../../functions/system/openapi';
import { matchPath } from '../../lib/http/route-match';
import type { consoleRoutes, RouteSpec, routes } from '../../lib/http/routes';
import baseEvent from '../events/http-api-v2.json';
import { context } from './lambda';

type Handler = typeof health;

const handlers: Record<keyof typeof routes | keyof typeof consoleRoutes, Handler> = {
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
  consolePage,
  consoleFile,
};

export interface RawRequest {
  method: string;
  /** The path as sent, percent-encoded. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The route that took the request; undefined for the catch-all. */
  route?: RouteSpec;
}

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** Sends a request through the function API Gateway would choose for it. */
export async function dispatch(request: RawRequest): Promise<RawReply> {
  const method = request.method.toUpperCase();
  const chosen = matchPath(request.path).find((m) => m.route.method.toUpperCase() === method);
  const pathParameters = chosen
    ? Object.fromEntries(Object.entries(chosen.params).map(([name, value]) => [name, decode(value)]))
    : undefined;
  const headers = Object.fromEntries(
    Object.entries({ ...baseEvent.headers, ...request.headers }).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const query = request.query && Object.keys(request.query).length > 0 ? request.query : undefined;
  const event: APIGatewayProxyEventV2 = {
    ...baseEvent,
    routeKey: chosen ? `${method} ${chosen.route.path}` : '$default',
    rawPath: request.path,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers,
    queryStringParameters: query,
    pathParameters,
    body: request.body,
    isBase64Encoded: request.isBase64Encoded ?? false,
    requestContext: {
      ...baseEvent.requestContext,
      requestId: randomUUID(),
      http: { ...baseEvent.requestContext.http, method, path: request.path },
    },
  };
  const handler = chosen ? handlers[chosen.name] : notFound;
  const result = await handler(event, context);
  return {
    status: result.statusCode ?? 0,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: result.body ?? '',
    route: chosen?.route,
  };
}
