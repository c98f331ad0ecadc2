/**
 * The console's side of the contract: every call the page makes is a route of the route
 * table with the right method, the bodies it sends pass the handlers' own schemas, errors
 * come out as the problem's words, a retried checkout keeps its Idempotency-Key, and the
 * page takes nothing but types from the server's code (so the bundle carries none of it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUNDLED_FROM_LIB } from '../../infra/console-build';
import { orderIn } from '../../lib/http/contract';
import { matchPath } from '../../lib/http/route-match';
import { MAX_QUANTITY } from '../../lib/limits';
import { ApiError, createApi, describeError, type OrderIn } from '../../web/src/api';
import {
  checkoutFor,
  keepKeyAfter,
  newIdempotencyKey,
  MAX_QUANTITY as PAGE_MAX_QUANTITY,
} from '../../web/src/checkout';

interface Sent {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: unknown;
}

/** An API whose fetch records each request and answers with `reply`. */
function recording(reply: () => Response = () => Response.json({ items: [], nextCursor: null })) {
  const sent: Sent[] = [];
  const api = createApi({
    adminToken: () => 'a-token-of-sixteen-chars',
    companyKey: (companyId) => `ds_pk_${companyId}_${'k'.repeat(32)}`,
    fetch: async (input, init) => {
      sent.push({
        method: init?.method ?? 'GET',
        url: new URL(String(input), 'http://console.test'),
        headers: (init?.headers ?? {}) as Record<string, string>,
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      return reply();
    },
  });
  return { api, sent };
}

const order: OrderIn = {
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  items: [{ productId: 3, quantity: 2 }],
};

describe('the console API client', () => {
  const { api, sent } = recording();
  const calls: [string, () => Promise<unknown>][] = [
    ['clusterStatus', () => api.cluster()],
    ['getCompany', () => api.company(7)],
    ['listProducts', () => api.products(7, { q: 'boots', limit: '8', cursor: 'WzJd' })],
    ['placeOrder', () => api.placeOrder(7, 'key-1', order)],
    ['getOrder', () => api.order(7, 12)],
    ['cancelOrder', () => api.cancelOrder(7, 12)],
    ['listCustomerOrders', () => api.customerOrders(7, 3, { limit: '5' })],
  ];

  it.each(calls)('should call %s with its method and path', async (operationId, call) => {
    sent.length = 0;
    await call();
    const [request] = sent;
    expect(request).toBeDefined();
    const routes = matchPath((request as Sent).url.pathname).filter(
      (m) => m.route.method.toUpperCase() === request?.method,
    );
    expect(routes.map((m) => m.route.operationId)).toEqual([operationId]);
  });

  it('should send the query parameters the route takes, leaving out empty ones', async () => {
    sent.length = 0;
    await api.products(7, { q: '', limit: '8' });
    expect(Object.fromEntries(sent[0]?.url.searchParams ?? [])).toEqual({ limit: '8' });
  });

  it('should send an order the handler accepts, with its Idempotency-Key', async () => {
    sent.length = 0;
    await api.placeOrder(7, 'key-1', order);
    expect(sent[0]?.headers).toMatchObject({
      'idempotency-key': 'key-1',
      'content-type': 'application/json',
    });
    expect(orderIn.safeParse(sent[0]?.body).success).toBe(true);
  });

  it('should send the operator token to GET /cluster only', async () => {
    sent.length = 0;
    await api.cluster();
    await api.company(7);
    expect(sent[0]?.headers.authorization).toBe('Bearer a-token-of-sixteen-chars');
    expect(sent[1]?.headers.authorization).toBeUndefined();
  });

  it("should send the company's key with every call of a route that needs one, and with no other", async () => {
    const access = (request: Sent) =>
      matchPath(request.url.pathname).find((m) => m.route.method.toUpperCase() === request.method)?.route
        .access;
    for (const [, call] of calls) {
      sent.length = 0;
      await call();
      const request = sent[0] as Sent;
      const keyed = access(request) === 'storefront' || access(request) === 'merchant';
      if (keyed) expect(request.headers.authorization).toBe(`Bearer ds_pk_7_${'k'.repeat(32)}`);
      else if (access(request) === 'public') expect(request.headers.authorization).toBeUndefined();
    }
  });
});

describe('errors in words', () => {
  it("should say a problem's detail and keep the problem", async () => {
    const problem = {
      type: '/problems/insufficient-stock',
      title: 'Not enough stock',
      status: 409,
      detail: 'Not enough stock for product 3 (requested 5, available 1)',
      products: [{ productId: 3, requested: 5, available: 1 }],
    };
    const { api } = recording(() =>
      Response.json(problem, { status: 409, headers: { 'content-type': 'application/problem+json' } }),
    );
    const error = await api.placeOrder(7, 'k', order).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(describeError(error)).toBe(problem.detail);
    expect((error as ApiError).type).toBe('insufficient-stock');
    expect((error as ApiError).problem?.products).toEqual(problem.products);
  });

  it('should describe an answer that is not a problem without showing its body', async () => {
    const { api } = recording(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const error = await api.company(7).catch((e: unknown) => e);
    expect(describeError(error)).toMatch(/^The server answered 502/);
    expect(describeError(error)).not.toContain('<html>');
  });

  it('should describe a request that got no answer as status 0', async () => {
    const api = createApi({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    const error = await api.company(7).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0 });
    expect(describeError(error)).toMatch(/could not be reached/);
  });
});

describe('the checkout key', () => {
  it('should be a version 4 UUID', () => {
    expect(newIdempotencyKey()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });

  it('should be reused for the same order and made anew for another', () => {
    let n = 0;
    const make = () => `key-${++n}`;
    const first = checkoutFor(order, null, make);
    expect(first.key).toBe('key-1');
    expect(checkoutFor(order, first, make)).toBe(first);
    const changed = checkoutFor({ ...order, items: [{ productId: 3, quantity: 3 }] }, first, make);
    expect(changed.key).toBe('key-2');
  });

  it('should be dropped only when the API says it belongs to another order', () => {
    expect([0, 409, 500, 503].map(keepKeyAfter)).toEqual([true, true, true, true]);
    expect(keepKeyAfter(422)).toBe(false);
  });

  it("should let a quantity up to the contract's limit be chosen, and no more", () => {
    expect(PAGE_MAX_QUANTITY).toBe(MAX_QUANTITY);
  });
});

describe("the page's imports", () => {
  const webSrc = path.join(__dirname, '../../web/src');
  const files = readdirSync(webSrc, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));

  it('should take only types from the server code, but for the modules the build hashes', () => {
    const valueImports: string[] = [];
    for (const file of files) {
      const source = readFileSync(path.join(webSrc, file), 'utf8');
      for (const match of source.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        const [, , typeOnly, specifier] = match;
        if (!specifier?.includes('/lib/') || typeOnly) continue;
        const target = path.relative(
          path.join(__dirname, '../..'),
          path.resolve(path.dirname(path.join(webSrc, file)), `${specifier}.ts`),
        );
        if (!BUNDLED_FROM_LIB.includes(target)) valueImports.push(`${file}: ${specifier}`);
      }
    }
    expect(files.length).toBeGreaterThan(5);
    expect(valueImports).toEqual([]);
  });
});
