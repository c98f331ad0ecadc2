/**
 * Who may call what, generated from the route table: every route × every kind of
 * credential answers the status its access level implies (lib/auth/access.ts). A route
 * without an access level, or without a sample request here, fails the test. Every line
 * logged while the matrix runs (at debug level, queries included) is checked for keys,
 * key hashes and the operator token.
 *
 * Shown to fail: with the company check taken out of `permit`, company B's secret key
 * read company A's orders (getOrder answered 200 where 404 was expected), and with the
 * kind check taken out, a publishable key changed a price (updateProduct 200, not 403).
 */
process.env.LOG_LEVEL = 'debug';

import { randomUUID } from 'node:crypto';
import { ACCESS_LEVELS, type Access } from '../../../lib/auth/access';
import { createKey, revokeKey } from '../../../lib/auth/api-keys';
import { documentedResponses } from '../../../lib/http/documented-responses';
import { openApiDocument } from '../../../lib/http/openapi';
import { consoleRoutes, type RouteSpec, routes } from '../../../lib/http/routes';
import { keyFor, operatorToken } from '../../support/credentials';
import { closeDb } from '../../support/db';
import { dispatch, type RawReply, type RawRequest } from '../../support/gateway';
import { secretsIn } from '../../support/log-secrets';
import { newTenant, type Tenant } from '../../support/shop';

afterAll(closeDb);

type RouteName = keyof typeof routes | keyof typeof consoleRoutes;
const allRoutes: Record<RouteName, RouteSpec> = { ...routes, ...consoleRoutes };

const CREDENTIALS = [
  'none',
  'malformed',
  "another company's secret key",
  'own publishable key',
  'own secret key',
  'revoked key',
  'operator token',
] as const;
type CredentialCase = (typeof CREDENTIALS)[number];

/** The status each access level implies for each credential; `ok` is the route's own success. */
const EXPECTED: Record<Exclude<Access, 'public'>, Record<CredentialCase, number | 'ok'>> = {
  storefront: {
    none: 401,
    malformed: 401,
    "another company's secret key": 404,
    'own publishable key': 'ok',
    'own secret key': 'ok',
    'revoked key': 401,
    'operator token': 'ok',
  },
  merchant: {
    none: 401,
    malformed: 401,
    "another company's secret key": 404,
    'own publishable key': 403,
    'own secret key': 'ok',
    'revoked key': 401,
    'operator token': 'ok',
  },
  operator: {
    none: 401,
    malformed: 401,
    "another company's secret key": 403,
    'own publishable key': 403,
    'own secret key': 403,
    'revoked key': 401,
    'operator token': 'ok',
  },
};

interface World {
  a: Tenant;
  bearer: Record<CredentialCase, string | undefined>;
}

interface Sample {
  method: string;
  params?: Record<string, number | string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** The status of a request the route lets in. */
  ok: number;
}

/** One request of every route, about company A; made anew for each credential. */
const samples: Record<RouteName, (w: World) => Promise<Sample>> = {
  createCompany: async () => ({ method: 'POST', body: { name: 'Access Co' }, ok: 201 }),
  getCompany: async ({ a }) => ({ method: 'GET', params: { companyId: a.company.id }, ok: 200 }),
  listProducts: async ({ a }) => ({ method: 'GET', params: { companyId: a.company.id }, ok: 200 }),
  getProduct: async ({ a }) => ({
    method: 'GET',
    params: { companyId: a.company.id, productId: a.products[0]?.id ?? 0 },
    ok: 200,
  }),
  createProduct: async ({ a }) => ({
    method: 'POST',
    params: { companyId: a.company.id },
    body: { name: 'Matrix', sku: `M-${randomUUID().slice(0, 8)}`, priceCents: 100, stock: 5 },
    ok: 201,
  }),
  updateProduct: async ({ a }) => ({
    method: 'PATCH',
    params: { companyId: a.company.id, productId: a.products[1]?.id ?? 0 },
    body: { priceCents: 1 },
    ok: 200,
  }),
  placeOrder: async ({ a }) => ({
    method: 'POST',
    params: { companyId: a.company.id },
    headers: { 'idempotency-key': randomUUID() },
    body: {
      customer: { email: 'matrix@example.com', name: 'Matrix' },
      items: [{ productId: a.products[0]?.id, quantity: 1 }],
    },
    ok: 201,
  }),
  getOrder: async ({ a }) => ({
    method: 'GET',
    params: { companyId: a.company.id, orderId: a.order.id },
    ok: 200,
  }),
  cancelOrder: async ({ a }) => ({
    method: 'POST',
    params: { companyId: a.company.id, orderId: a.order.id },
    ok: 200,
  }),
  listCustomerOrders: async ({ a }) => ({
    method: 'GET',
    params: { companyId: a.company.id, customerId: a.customerId },
    ok: 200,
  }),
  listCampaigns: async ({ a }) => ({ method: 'GET', params: { companyId: a.company.id }, ok: 200 }),
  getCampaign: async ({ a }) => ({
    method: 'GET',
    params: { companyId: a.company.id, campaignId: a.campaignId },
    ok: 200,
  }),
  createKey: async ({ a }) => ({
    method: 'POST',
    params: { companyId: a.company.id },
    body: { kind: 'publishable' },
    ok: 201,
  }),
  listKeys: async ({ a }) => ({ method: 'GET', params: { companyId: a.company.id }, ok: 200 }),
  revokeKey: async ({ a }) => ({
    method: 'DELETE',
    params: { companyId: a.company.id, keyId: (await createKey(a.company.id, 'publishable')).id },
    ok: 204,
  }),
  health: async () => ({ method: 'GET', ok: 200 }),
  clusterStatus: async () => ({ method: 'GET', ok: 200 }),
  openapi: async () => ({ method: 'GET', ok: 200 }),
  // The console's build may be absent in this tier (a 404 then): a public route answers
  // every credential as it answers none.
  consolePage: async () => ({ method: 'GET', ok: 0 }),
  consoleFile: async () => ({ method: 'GET', params: { file: 'assets/none.js' }, ok: 0 }),
};

function rawRequest(route: RouteSpec, sample: Sample, bearer: string | undefined): RawRequest {
  const path = route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => String(sample.params?.[name]));
  const headers: Record<string, string> = { ...sample.headers };
  if (bearer !== undefined) headers.authorization = bearer;
  if (sample.body !== undefined) headers['content-type'] = 'application/json';
  return {
    method: sample.method,
    path,
    query: sample.query,
    headers,
    body: sample.body === undefined ? undefined : JSON.stringify(sample.body),
  };
}

/** Every line logged while `work` runs. */
async function logged<T>(work: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation(capture),
  );
  try {
    return { result: await work(), lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('access, route by route', () => {
  let world: World;
  beforeAll(async () => {
    const a = await newTenant('access-a');
    const b = await newTenant('access-b');
    const revoked = await createKey(a.company.id, 'secret');
    await revokeKey(a.company.id, revoked.id);
    world = {
      a,
      bearer: {
        none: undefined,
        malformed: 'Bearer not-a-key-nor-the-token',
        "another company's secret key": `Bearer ${await keyFor(b.company.id, 'secret')}`,
        'own publishable key': `Bearer ${await keyFor(a.company.id, 'publishable')}`,
        'own secret key': `Bearer ${await keyFor(a.company.id, 'secret')}`,
        'revoked key': `Bearer ${revoked.key}`,
        'operator token': `Bearer ${operatorToken()}`,
      },
    };
  });

  it('should declare an access level and have a sample for every route', () => {
    for (const [name, route] of Object.entries(allRoutes)) {
      expect([name, ACCESS_LEVELS.includes(route.access)]).toEqual([name, true]);
      expect([name, typeof samples[name as RouteName]]).toEqual([name, 'function']);
    }
    expect(Object.keys(samples).sort()).toEqual(Object.keys(allRoutes).sort());
  });

  it('should give a company key only to routes of the company it names', () => {
    for (const [name, route] of Object.entries(allRoutes)) {
      if (route.access === 'storefront' || route.access === 'merchant') {
        expect([name, route.path.startsWith('/companies/{companyId}')]).toEqual([name, true]);
      }
    }
  });

  it.each(Object.keys(allRoutes) as RouteName[])(
    'should answer %s as its access level says, for every credential',
    async (name) => {
      const route = allRoutes[name];
      const { result: seen, lines } = await logged(async () => {
        const replies: Record<string, RawReply> = {};
        for (const credential of CREDENTIALS) {
          const sample = await samples[name](world);
          replies[credential] = await dispatch(rawRequest(route, sample, world.bearer[credential]));
          if (sample.ok === 0) sample.ok = replies.none?.status ?? 0;
          const expected = route.access === 'public' ? sample.ok : EXPECTED[route.access][credential];
          const status = replies[credential].status;
          expect([credential, status]).toEqual([credential, expected === 'ok' ? sample.ok : expected]);
          if (status === 401) {
            expect(replies[credential].headers['WWW-Authenticate']).toMatch(/^Bearer realm="distribushop"/);
          }
          if (status >= 400) {
            expect(replies[credential].headers['content-type']).toBe('application/problem+json');
            expect(Object.keys(documentedResponses(route))).toContain(String(status));
          }
        }
        return replies;
      });
      // A refusal says nothing of company A's data, and nothing logged holds a secret.
      for (const credential of CREDENTIALS) {
        const reply = seen[credential] as RawReply;
        if (reply.status >= 400) expect(reply.body).not.toContain(world.a.marker);
      }
      expect(lines.flatMap(secretsIn)).toEqual([]);
    },
  );

  it("should refuse a publishable key an order for a customer id, which is the merchant's", async () => {
    const { a } = world;
    const order = { customer: { id: a.customerId }, items: [{ productId: a.products[0]?.id, quantity: 1 }] };
    const request = (bearer: string | undefined) =>
      dispatch(
        rawRequest(
          routes.placeOrder,
          {
            method: 'POST',
            params: { companyId: a.company.id },
            headers: { 'idempotency-key': randomUUID() },
            body: order,
            ok: 201,
          },
          bearer,
        ),
      );
    const storefront = await request(world.bearer['own publishable key']);
    expect(storefront.status).toBe(403);
    expect(JSON.parse(storefront.body)).toMatchObject({ type: '/problems/forbidden' });
    expect((await request(world.bearer['own secret key'])).status).toBe(201);
  });
});

describe('operator routes with no operator token configured', () => {
  it('should be closed, and say so', async () => {
    const configured = process.env.ADMIN_TOKEN;
    jest.resetModules();
    delete process.env.ADMIN_TOKEN;
    try {
      // A fresh module registry reads the configuration again, now without the token.
      const fresh = (await import('../../support/gateway')) as typeof import('../../support/gateway');
      for (const bearer of [undefined, `Bearer ${configured}`, 'Bearer anything-at-all-that-is-long']) {
        const reply = await fresh.dispatch({
          method: 'GET',
          path: '/cluster',
          headers: bearer ? { authorization: bearer } : {},
        });
        expect(reply.status).toBe(401);
        if (bearer) expect(JSON.parse(reply.body).detail).toMatch(/closed: no operator token/);
      }
      await (await import('../../../lib/db')).closeDb();
    } finally {
      process.env.ADMIN_TOKEN = configured;
    }
  });
});

describe('the OpenAPI document', () => {
  it("should declare the three credentials and each route's requirement", () => {
    const doc = openApiDocument() as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    for (const scheme of ['publishableKey', 'secretKey', 'operatorToken']) {
      expect(doc.components.securitySchemes[scheme]).toMatchObject({ type: 'http', scheme: 'bearer' });
    }
    const requirement: Record<Access, unknown> = {
      public: [],
      storefront: [{ publishableKey: [] }, { secretKey: [] }, { operatorToken: [] }],
      merchant: [{ secretKey: [] }, { operatorToken: [] }],
      operator: [{ operatorToken: [] }],
    };
    for (const route of Object.values(routes)) {
      const operation = doc.paths[route.path.replace(/\+\}/g, '}')]?.[route.method];
      expect([route.operationId, operation?.security]).toEqual([
        route.operationId,
        requirement[route.access],
      ]);
      const refusals = route.access === 'public' ? [] : ['401', '403'];
      for (const status of refusals) expect(Object.keys(operation?.responses ?? {})).toContain(status);
    }
  });
});
