/**
 * Over HTTP, through serverless-offline and the bundled functions: a known path asked with
 * another method is a 405 with Allow, and a sample of the hostile requests of
 * test/integration/reliability/hostile-input.test.ts, made from the OpenAPI document the
 * server serves, never gets a 5xx. (The local gateway normalizes some paths and answers
 * HEAD as GET, so this sample checks the 5xx promise; the in-process test checks the rest.)
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { config } from '../../lib/config';
import { operatorToken } from '../support/credentials';
import {
  allHostileRequests,
  baselinesFor,
  type HostileRequest,
  type OpenApiDocument,
} from '../support/hostile';
import { call, newHttpCompany } from '../support/http';

const api = process.env.API_URL as string;
const SEED = Number(process.env.FC_SEED ?? 20261129);
const RUNS = Number(process.env.FC_HTTP_RUNS ?? 150);

async function send(
  request: HostileRequest | { method: string; path: string; headers?: Record<string, string>; body?: string },
) {
  const query = 'query' in request && request.query ? `?${new URLSearchParams(request.query)}` : '';
  const body =
    request.body === undefined
      ? undefined
      : 'isBase64Encoded' in request && request.isBase64Encoded
        ? Buffer.from(request.body, 'base64')
        : request.body;
  const response = await fetch(`${api}${request.path}${query}`, {
    method: request.method,
    headers: request.headers,
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What fetch can put on the wire: no forbidden method, header values of visible bytes. */
const sendable = (r: HostileRequest) =>
  !['CONNECT', 'TRACE', 'TRACK'].includes(r.method) &&
  Object.values(r.headers ?? {}).every((v) => /^[\x20-\x7e]*$/.test(v)) &&
  !(r.body !== undefined && ['GET', 'HEAD'].includes(r.method));

describe('methods over HTTP', () => {
  it.each([
    ['PUT', '/companies/1/products/2', 'GET, PATCH'],
    ['DELETE', '/companies/1/products/2', 'GET, PATCH'],
    ['DELETE', '/companies/1', 'GET'],
    ['OPTIONS', '/companies/1/orders', 'POST'],
  ])('should answer %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const reply = await send({ method, path });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe(allow);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('hostile input over HTTP', () => {
  it(`should answer ${RUNS} hostile requests without a 5xx`, async () => {
    const doc = JSON.parse((await send({ method: 'GET', path: '/openapi.json' })).text) as OpenApiDocument;
    const company = await newHttpCompany('HTTP attacker');
    const secret = company.secretKey;
    const product = await call('POST', `/companies/${company.id}/products`, {
      body: { name: 'Target', sku: 'T-1', priceCents: 100, stock: 1000 },
      credential: secret,
    });
    const order = await call('POST', `/companies/${company.id}/orders`, {
      body: {
        customer: { email: 'http@example.com', name: 'Http' },
        items: [{ productId: product.body.id, quantity: 1 }],
      },
      credential: company.publishableKey,
      headers: { 'idempotency-key': randomUUID() },
    });
    const spare = await call('POST', `/companies/${company.id}/keys`, {
      body: { kind: 'secret' },
      credential: secret,
    });
    const requests = allHostileRequests(
      doc,
      // No campaign over HTTP: campaign 1 is another company's or none, a 404 either way.
      baselinesFor({
        companyId: company.id,
        productId: product.body.id,
        orderId: order.body.id,
        customerId: order.body.customerId,
        campaignId: 1,
        spareKeyId: spare.body.id,
        secretKey: secret,
        publishableKey: company.publishableKey,
        operatorToken: operatorToken(),
      }),
      { maxBodyBytes: config().MAX_BODY_BYTES, maxHeaderBytes: config().MAX_HEADER_BYTES },
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests.filter(sendable), async (request) => {
        const reply = await send(request);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status >= 500 || reply.status < 100)
          throw new Error(`${reply.status} ${reply.text.slice(0, 300)}`);
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
    const histogram = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    process.stdout.write(`\nhostile input over HTTP: ${RUNS} requests, 5xx: 0; ${histogram.join(' ')}\n`);
    expect((await send({ method: 'GET', path: '/health' })).status).toBe(200);
  }, 120_000);
});
