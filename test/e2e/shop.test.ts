/** The main flows over HTTP, through serverless-offline and the bundled functions. */
import { randomUUID } from 'node:crypto';
import { operatorToken } from '../support/credentials';
import { call, newHttpCompany } from '../support/http';

const api = process.env.API_URL as string;

describe('the shop over HTTP', () => {
  it('should report health and serve the OpenAPI document', async () => {
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const doc = await call('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/companies/{companyId}/orders');
  });

  it('should create a company and a product, place an order idempotently, and cancel it', async () => {
    const { id: companyId, secretKey, publishableKey } = await newHttpCompany('E2E Outfitters');
    const product = await call('POST', `/companies/${companyId}/products`, {
      body: { name: 'Trail Boots', sku: 'BOOT-42', priceCents: 12900, stock: 3 },
      credential: secretKey,
    });
    expect(product.status).toBe(201);
    const productId = product.body.id;

    const key = randomUUID();
    const order = {
      customer: { email: 'hiker@example.com', name: 'Hiker' },
      items: [{ productId, quantity: 2 }],
    };
    const asStorefront = { body: order, credential: publishableKey, headers: { 'Idempotency-Key': key } };
    const placed = await call('POST', `/companies/${companyId}/orders`, asStorefront);
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      totalCents: 25800,
      status: 'placed',
      items: [{ productId, quantity: 2 }],
    });
    expect(placed.headers.get('x-request-id')).toBeTruthy();

    const replay = await call('POST', `/companies/${companyId}/orders`, asStorefront);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(placed.body);

    const short = await call('POST', `/companies/${companyId}/orders`, {
      body: { customer: { id: placed.body.customerId }, items: [{ productId, quantity: 2 }] },
      credential: secretKey,
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(short.status).toBe(409);
    expect(short.headers.get('content-type')).toContain('application/problem+json');
    expect(short.body.products).toEqual([{ productId, requested: 2, available: 1 }]);

    const cancelled = await call('POST', `/companies/${companyId}/orders/${placed.body.id}/cancel`, {
      credential: secretKey,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const restocked = await call('GET', `/companies/${companyId}/products/${productId}`);
    expect(restocked.body.stock).toBe(3);

    const history = await call(
      'GET',
      `/companies/${companyId}/customers/${placed.body.customerId}/orders?limit=5`,
      { credential: secretKey },
    );
    expect(history.body.items.map((o: { id: number }) => o.id)).toEqual([placed.body.id]);
  });

  it('should answer bad requests with problem+json', async () => {
    const malformed = await fetch(`${api}/companies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken()}` },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    const invalid = await call('GET', '/companies/0/products?limit=5000');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'path.companyId',
      'query.limit',
    ]);
    const missing = await call('GET', '/no/such/route');
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('/problems/route-not-found');
  });

  it('should list campaigns by budget', async () => {
    const company = await newHttpCompany('E2E Ads');
    const reply = await call('GET', `/companies/${company.id}/campaigns?state=running`, {
      credential: company.secretKey,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: [], nextCursor: null });
  });
});

describe('keys over HTTP', () => {
  it('should refuse a revoked key within API_KEY_CACHE_SECONDS (2 s in this tier) on an instance that trusted it', async () => {
    const company = await newHttpCompany('E2E Keys');
    const product = await call('POST', `/companies/${company.id}/products`, {
      body: { name: 'Lamp', sku: 'LAMP-1', priceCents: 900, stock: 4 },
      credential: company.secretKey,
    });
    const made = await call('POST', `/companies/${company.id}/keys`, {
      body: { kind: 'secret' },
      credential: company.secretKey,
    });
    expect(made.status).toBe(201);
    const patch = () =>
      call('PATCH', `/companies/${company.id}/products/${product.body.id}`, {
        body: { stock: 5 },
        credential: made.body.key,
      });
    expect((await patch()).status).toBe(200);
    const revoked = await call('DELETE', `/companies/${company.id}/keys/${made.body.id}`, {
      credential: company.secretKey,
    });
    expect(revoked.status).toBe(204);
    const since = Date.now();
    let status = (await patch()).status;
    while (status === 200 && Date.now() - since < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await patch()).status;
    }
    expect(status).toBe(401);
    expect(Date.now() - since).toBeLessThan(2_000 + 1_500);
  });

  it('should pass a CORS preflight from an allowed origin to the catch-all, which names what a storefront may send', async () => {
    // serverless-offline answers any request with an Origin with CORS headers and a 200 of
    // its own (API Gateway does not); the headers the function sets still come through.
    // test/integration/api/cors.test.ts checks the function's own answers.
    const reply = await call('OPTIONS', '/companies/1/orders', {
      headers: { origin: 'http://storefront.test', 'access-control-request-method': 'POST' },
    });
    expect(reply.status).toBeLessThan(300);
    expect(reply.headers.get('access-control-allow-origin')).toBe('http://storefront.test');
    expect(reply.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(reply.headers.get('access-control-max-age')).toBe('600');
  });
});
