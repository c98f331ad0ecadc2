/**
 * The route table as the one source of each route's statuses and methods: the OpenAPI
 * document lists what documentedResponses derives from the route's shape, and the
 * catch-all answers 405 with Allow for a known path asked with another method.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler as notFound } from '../../functions/system/not-found';
import { documentedResponses } from '../../lib/http/documented-responses';
import { openApiDocument } from '../../lib/http/openapi';
import { allowedMethods } from '../../lib/http/route-match';
import { type RouteSpec, routes } from '../../lib/http/routes';
import { context, httpEvent, withUnusedDatabaseUrl } from '../support/lambda';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

const statusesOf = (route: RouteSpec) => Object.keys(documentedResponses(route)).map(Number);

describe('documented responses', () => {
  it.each(Object.values(routes))(
    'should derive the error statuses of $operationId from its shape',
    (route) => {
      const statuses = statusesOf(route);
      // The body limit holds for every request, a GET's too.
      expect(statuses).toEqual(expect.arrayContaining([413, 431, 500, 503]));
      expect(statuses.includes(400)).toBe(
        Boolean(route.params || route.query || route.headers || route.body),
      );
      expect(statuses.includes(404)).toBe(Boolean(route.params));
      expect(statuses.includes(415)).toBe(Boolean(route.body));
      for (const own of Object.keys(route.responses)) expect(statuses).toContain(Number(own));
    },
  );

  it('should put exactly those statuses in the OpenAPI document, errors as problem+json', () => {
    const doc = openApiDocument() as Doc;
    for (const route of Object.values(routes)) {
      const documented = doc.paths[route.path]?.[route.method]?.responses ?? {};
      expect([route.operationId, Object.keys(documented).map(Number).sort()]).toEqual([
        route.operationId,
        statusesOf(route).sort(),
      ]);
      for (const [status, response] of Object.entries(documented)) {
        if (Number(status) >= 400) {
          expect(Object.keys((response as { content?: object }).content ?? {})).toEqual([
            'application/problem+json',
          ]);
        }
      }
    }
  });

  it('should document the list routes with 400, 404, 413, 431, 500 and 503', () => {
    expect(statusesOf(routes.listProducts).sort()).toEqual([200, 400, 404, 413, 431, 500, 503]);
  });
});

describe('the OpenAPI document', () => {
  type Operation = { parameters?: { name: string; in: string; required: boolean; schema: object }[] };
  const doc = openApiDocument() as Doc & {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, { properties?: Record<string, object> }> };
  };
  const parameter = (path: string, name: string) =>
    doc.paths[path]?.get?.parameters?.find((p) => p.name === name);

  it('should document a parameter as it reads once parsed, with its default', () => {
    expect(parameter('/companies/{companyId}/products', 'companyId')).toEqual({
      schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, example: 5 },
      required: true,
      name: 'companyId',
      in: 'path',
    });
    expect(parameter('/companies/{companyId}/products', 'limit')).toEqual({
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
      required: false,
      name: 'limit',
      in: 'query',
    });
  });

  it('should reference every named schema as a component, and say nullable as a type list', () => {
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"\$defs"|"\$schema"|#\/\$defs\//);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) {
      expect(doc.components.schemas[ref as string]).toBeDefined();
    }
    expect(doc.components.schemas.ApiKey?.properties?.revokedAt).toEqual({
      type: ['string', 'null'],
      format: 'date-time',
      example: '2026-11-24T10:00:00.000Z',
    });
    expect(doc.components.schemas.Product?.properties?.stock).toEqual({ type: 'integer' });
  });
});

describe('methods', () => {
  it('should know the methods of every concrete path', () => {
    expect(allowedMethods('/companies/1/products/2').sort()).toEqual(['GET', 'PATCH']);
    expect(allowedMethods('/companies/1/products').sort()).toEqual(['GET', 'POST']);
    expect(allowedMethods('/companies/1/orders/9/cancel')).toEqual(['POST']);
    expect(allowedMethods('/companies/x')).toEqual(['GET']);
    expect(allowedMethods('/companies/1/products/2/')).toEqual([]);
    expect(allowedMethods('/no/such/route')).toEqual([]);
    expect(allowedMethods('/companies/1/../2')).toEqual([]);
  });

  describe('the catch-all function', () => {
    withUnusedDatabaseUrl();

    const call = async (method: string, path: string) => {
      const base = httpEvent(routes.health);
      const event: APIGatewayProxyEventV2 = {
        ...base,
        routeKey: '$default',
        rawPath: path,
        requestContext: { ...base.requestContext, http: { ...base.requestContext.http, method, path } },
      };
      const result = await notFound(event, context);
      return { ...result, problem: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
    };

    it.each([
      ['PUT', '/companies/1/products/2', 'GET, PATCH'],
      ['DELETE', '/companies/1/products/2', 'GET, PATCH'],
      ['DELETE', '/companies/1', 'GET'],
      ['POST', '/health', 'GET'],
      ['GET', '/companies/1/orders/2/cancel', 'POST'],
    ])('should answer %s %s with 405 and Allow: %s', async (method, path, allow) => {
      const reply = await call(method, path);
      expect(reply.statusCode).toBe(405);
      expect(reply.headers?.Allow).toBe(allow);
      expect(reply.headers?.['content-type']).toBe('application/problem+json');
      expect(reply.problem).toMatchObject({ type: '/problems/method-not-allowed', status: 405 });
    });

    it('should answer an unknown path with 404 route-not-found', async () => {
      const reply = await call('GET', '/no/such/route');
      expect(reply.statusCode).toBe(404);
      expect(reply.problem).toMatchObject({ type: '/problems/route-not-found' });
    });
  });
});
