/**
 * The contract's messages, class by class: every string field and parameter refuses what
 * PostgreSQL cannot store, every number says its whole range once, every cursor is
 * checked against its list's key, and every message says what is allowed.
 */
import type { FieldIssue } from '../../lib/errors';
import { ValidationError } from '../../lib/errors';
import { UNSTORABLE_MESSAGE } from '../../lib/http/contract';
import { validateRequest } from '../../lib/http/middleware/validate';
import { type RouteSpec, routes } from '../../lib/http/routes';
import { MAX_ORDER_LINES, MAX_PRICE_CENTS, MAX_QUANTITY, MAX_STOCK } from '../../lib/limits';

interface Parts {
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The issues validation finds in a request to `route` (an empty list when it passes). */
async function issuesOf(route: RouteSpec, parts: Parts): Promise<FieldIssue[]> {
  const event = {
    pathParameters: parts.params,
    queryStringParameters: parts.query,
    headers: parts.headers ?? {},
    body: parts.body,
  };
  try {
    await validateRequest(route).before?.({ event } as never);
    return [];
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
}

const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const product = { name: 'Boots', sku: 'B-1', priceCents: 100, stock: 1 };
const ID = 'must be a whole number from 1 to 9007199254740991';

describe('text fields and parameters', () => {
  const nul = UNSTORABLE_MESSAGE;
  it.each([
    ['a company name', routes.createCompany, { body: { name: 'Acme\u0000' } }, 'body.name'],
    [
      'a product name',
      routes.createProduct,
      { params: { companyId: '1' }, body: { ...product, name: 'a\u0000b' } },
      'body.name',
    ],
    [
      'a patched name',
      routes.updateProduct,
      { params: { companyId: '1', productId: '1' }, body: { name: '\u0000' } },
      'body.name',
    ],
    ['a lone surrogate', routes.createCompany, { body: { name: 'x\ud800y' } }, 'body.name'],
    ['bytes that were not UTF-8', routes.createCompany, { body: { name: 'caf\ufffd' } }, 'body.name'],
    ['q', routes.listProducts, { params: { companyId: '1' }, query: { q: 'mug\u0000' } }, 'query.q'],
    [
      "a customer's name",
      routes.placeOrder,
      {
        params: { companyId: '1' },
        headers: { 'idempotency-key': 'k' },
        body: {
          customer: { email: 'a@example.com', name: 'A\u0000' },
          items: [{ productId: 1, quantity: 1 }],
        },
      },
      'body.customer.name',
    ],
  ] as const)('should refuse NUL in %s with a message naming it', async (_what, route, parts, path) => {
    expect(await issuesOf(route, parts)).toEqual([{ path, message: nul }]);
  });

  it("should refuse NUL in a customer's email as not an email address", async () => {
    const issues = await issuesOf(routes.placeOrder, {
      params: { companyId: '1' },
      headers: { 'idempotency-key': 'k' },
      body: { customer: { email: 'a\u0000@example.com', name: 'A' }, items: [{ productId: 1, quantity: 1 }] },
    });
    expect(issues).toEqual([
      { path: 'body.customer.email', message: expect.stringContaining('email address') },
    ]);
  });

  it('should say the length allowed for empty and huge text', async () => {
    expect(await issuesOf(routes.createCompany, { body: { name: '  ' } })).toEqual([
      { path: 'body.name', message: 'must not be empty' },
    ]);
    expect(await issuesOf(routes.createCompany, { body: { name: 'x'.repeat(201) } })).toEqual([
      { path: 'body.name', message: 'must be 1 to 200 characters of text' },
    ]);
    expect(await issuesOf(routes.createCompany, { body: { name: 5 } })).toEqual([
      { path: 'body.name', message: 'must be 1 to 200 characters of text' },
    ]);
    expect(await issuesOf(routes.createCompany, { body: {} })).toEqual([
      { path: 'body.name', message: 'is required' },
    ]);
  });
});

describe('numbers', () => {
  it.each([
    ['1000000', 'must be a whole number from 1 to 100'],
    ['-1', 'must be a whole number from 1 to 100'],
    ['0', 'must be a whole number from 1 to 100'],
    ['1.5', 'must be a whole number from 1 to 100'],
    ['ten', 'must be a whole number from 1 to 100'],
  ])('should say the range of limit=%s', async (limit, message) => {
    expect(await issuesOf(routes.listProducts, { params: { companyId: '1' }, query: { limit } })).toEqual([
      { path: 'query.limit', message },
    ]);
  });

  it.each([
    '9223372036854775807',
    '9007199254740992',
    '0',
    '-1',
    '1.0',
    '0x10',
    'abc',
    ' 1',
    "1'; DROP TABLE companies; --",
  ])('should say the range of a path id %j', async (companyId) => {
    expect(await issuesOf(routes.getCompany, { params: { companyId } })).toEqual([
      { path: 'path.companyId', message: ID },
    ]);
  });

  it.each([
    [{ priceCents: 1.5 }, 'body.priceCents', `must be a whole number from 0 to ${MAX_PRICE_CENTS}`],
    [{ priceCents: '100' }, 'body.priceCents', `must be a whole number from 0 to ${MAX_PRICE_CENTS}`],
    [{ stock: 1e20 }, 'body.stock', `must be a whole number from 0 to ${MAX_STOCK}`],
    [{ stock: -1 }, 'body.stock', `must be a whole number from 0 to ${MAX_STOCK}`],
    [{ stock: null }, 'body.stock', `must be a whole number from 0 to ${MAX_STOCK}`],
  ])('should give one message with the range for %j', async (patch, path, message) => {
    expect(
      await issuesOf(routes.createProduct, { params: { companyId: '1' }, body: { ...product, ...patch } }),
    ).toEqual([{ path, message }]);
  });

  it('should keep an order total exact as a JSON number at the largest price, quantity and line count', () => {
    expect(MAX_PRICE_CENTS * MAX_QUANTITY * MAX_ORDER_LINES).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    // The largest quantity of one product (every line the same product) fits the integer column.
    expect(MAX_STOCK + MAX_QUANTITY * MAX_ORDER_LINES).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});

describe('cursors', () => {
  it.each([
    [routes.listProducts, forged(['x'])],
    [routes.listProducts, forged([-5])],
    [routes.listCustomerOrders, forged(['x'])],
    [routes.listCampaigns, forged(['x', 1])],
    [routes.listCampaigns, forged([1, 'x'])],
    [routes.listProducts, 'not a cursor'],
  ])('should refuse a forged cursor on %s', async (route, cursor) => {
    const params = { companyId: '1', customerId: '1' };
    const issues = await issuesOf(route, {
      params: route === routes.listCustomerOrders ? params : { companyId: '1' },
      query: { cursor },
    });
    expect(issues).toEqual([{ path: 'query.cursor', message: expect.stringContaining('nextCursor') }]);
  });
});

describe('objects', () => {
  it('should name an unknown field together with the allowed ones', async () => {
    expect(await issuesOf(routes.createCompany, { body: { name: 'X', owner: 'me' } })).toEqual([
      { path: 'body', message: 'has unknown field "owner"; the fields are name' },
    ]);
    expect(
      await issuesOf(routes.listProducts, { params: { companyId: '1' }, query: { sort: 'name' } }),
    ).toEqual([
      {
        path: 'query',
        message: 'has unknown query parameter "sort"; the query parameters are limit, cursor, q',
      },
    ]);
  });

  it('should say what a body must be when it is not an object', async () => {
    for (const body of [null, [], 'x', 5, true]) {
      expect(await issuesOf(routes.createCompany, { body })).toEqual([
        {
          path: 'body',
          message: expect.stringMatching(/^(must be a JSON object with the fields name|is required)$/),
        },
      ]);
    }
  });

  it('should explain a customer that is neither form', async () => {
    const order = (customer: unknown) =>
      issuesOf(routes.placeOrder, {
        params: { companyId: '1' },
        headers: { 'idempotency-key': 'k' },
        body: { customer, items: [{ productId: 1, quantity: 1 }] },
      });
    expect(await order({})).toEqual([
      { path: 'body.customer', message: 'must be {"id"} of a known customer, or {"email", "name"}' },
    ]);
    expect(await order({ id: 'x' })).toEqual([{ path: 'body.customer.id', message: ID }]);
    expect(await order({ email: 'nope', name: 'N' })).toEqual([
      { path: 'body.customer.email', message: expect.stringContaining('email address') },
    ]);
  });
});
