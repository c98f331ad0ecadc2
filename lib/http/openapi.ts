/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas. Only the
 * openapi function imports this module, so only its bundle carries the generator.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
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
    ...(route.auth === 'admin' ? { security: [{ [ADMIN_SCHEME]: [] }] } : {}),
  });
}

const ADMIN_SCHEME = 'adminToken';

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', ADMIN_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'ADMIN_TOKEN, required by operator endpoints when it is configured. With no token configured they are open: for local use only.',
  });
  for (const route of Object.values(routes)) register(registry, route);
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'DistribuShop API',
      version: '1.0.0',
      description:
        'Multi-tenant shop on Citus. Every tenant route names the company, so each request is one single-shard query or transaction. Errors are application/problem+json (RFC 9457).',
    },
  });
  return cached;
}
