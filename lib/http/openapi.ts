/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas. Only the
 * openapi function imports this module, so only its bundle carries the generator.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Access } from '../auth/access';
import { documentedResponses, type RouteSpec, routes } from './routes';

const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

function register(registry: OpenAPIRegistry, route: RouteSpec) {
  const responses = Object.fromEntries(
    Object.entries(documentedResponses(route)).map(([status, spec]) => {
      const isError = Number(status) >= 400;
      const schema = spec.schema ?? (isError ? problem : undefined);
      const mediaType = isError ? 'application/problem+json' : 'application/json';
      return [
        status,
        { description: spec.description, ...(schema ? { content: { [mediaType]: { schema } } } : {}) },
      ];
    }),
  );
  registry.registerPath({
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    request: {
      params: route.params as never,
      query: route.query as never,
      headers: route.headers as never,
      body: route.body
        ? { required: true, content: { 'application/json': { schema: route.body } } }
        : undefined,
    },
    responses,
    security: SECURITY[route.access],
  });
}

/** The three credentials, each a bearer token (lib/auth/access.ts). */
const SCHEMES = {
  publishableKey: {
    description:
      "A company's publishable key (`ds_pk_<companyId>_…`): the storefront's. Places orders for a customer given by email; safe to put in a web page.",
  },
  secretKey: {
    description:
      "A company's secret key (`ds_sk_<companyId>_…`): the merchant's. Everything of that company, the storefront's routes included. Keep it on a server.",
  },
  operatorToken: {
    description:
      'The operator token (ADMIN_TOKEN): companies, the cluster, and any company on its behalf. With no token configured, operator routes are closed.',
  },
};

/** Each access level's requirement: any one of the schemes listed; none for a public route. */
const SECURITY: Record<Access, Record<string, string[]>[]> = {
  public: [],
  storefront: [{ publishableKey: [] }, { secretKey: [] }, { operatorToken: [] }],
  merchant: [{ secretKey: [] }, { operatorToken: [] }],
  operator: [{ operatorToken: [] }],
};

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  for (const [name, { description }] of Object.entries(SCHEMES)) {
    registry.registerComponent('securitySchemes', name, { type: 'http', scheme: 'bearer', description });
  }
  for (const route of Object.values(routes)) register(registry, route);
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'DistribuShop API',
      version: '1.0.0',
      description:
        'Multi-tenant shop on Citus. Every tenant route names the company, so each request is one single-shard query or transaction. Credentials are bearer tokens: a company key (publishable or secret) or the operator token; a key of another company answers 404. Errors are application/problem+json (RFC 9457).',
    },
  });
  return cached;
}
