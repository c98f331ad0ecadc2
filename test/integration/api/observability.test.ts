/**
 * Logs and metrics from the handler stack (Powertools' Logger and Metrics): every line a
 * request logs carries its request id and the function's context, the lines written below
 * the handler too; metrics in CloudWatch's embedded format count orders placed and refused
 * by reason, 503s by cause, and the database time of each request.
 *
 * Shown to fail: without `appendKeys` in request-log.ts the database module's lines carry
 * no request id; without `counted` on placeOrder no OrdersPlaced is written.
 */
import { Pool } from 'pg';

// Metrics are off in the tests' Powertools development mode (test/support/powertools-env.ts);
// this file reads them, so it turns them on before anything makes the Metrics instance. It
// also reads the database module's debug lines: the logger's level is set when it is made
// (each invocation returns to it), so LOG_LEVEL is set first too.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.LOG_LEVEL = 'debug';

type Modules = {
  routes: typeof import('../../../lib/http/routes').routes;
  getProduct: typeof import('../../../functions/products/get').handler;
  logger: typeof import('../../../lib/log').logger;
  shop: typeof import('../../support/shop');
  lambda: typeof import('../../support/lambda');
  db: typeof import('../../support/db');
};
let m: Modules;

beforeAll(async () => {
  m = {
    routes: (await import('../../../lib/http/routes')).routes,
    getProduct: (await import('../../../functions/products/get')).handler,
    logger: (await import('../../../lib/log')).logger,
    shop: await import('../../support/shop'),
    lambda: await import('../../support/lambda'),
    db: await import('../../support/db'),
  };
});
afterAll(async () => {
  await m.db.closeDb();
});
afterEach(() => jest.restoreAllMocks());

/** Every object written to the console while `work` runs: log lines and metric documents. */
async function written<T>(work: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const texts: string[] = [];
  const capture = (...args: unknown[]) => {
    texts.push(args.map(String).join(' '));
  };
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation(capture);
  }
  const result = await work();
  jest.restoreAllMocks();
  const lines = texts.flatMap((text) => {
    try {
      return [JSON.parse(text) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  return { result, lines };
}

interface MetricDocument {
  _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

const metricDocuments = (lines: Record<string, unknown>[]) =>
  lines.filter((line): line is MetricDocument => '_aws' in line);

/** Each metric written, with its value and its dimensions' values. */
function metricsIn(
  lines: Record<string, unknown>[],
): { name: string; value: unknown; dims: Record<string, unknown> }[] {
  return metricDocuments(lines).flatMap((doc) => {
    const directive = doc._aws.CloudWatchMetrics[0];
    const dimensionNames = directive?.Dimensions.flat() ?? [];
    const dims = Object.fromEntries(dimensionNames.map((d) => [d, doc[d]]));
    return (directive?.Metrics ?? []).map(({ Name }) => ({ name: Name, value: doc[Name], dims }));
  });
}

describe('logs', () => {
  it('should put the request id and the function context on every line, the database module’s too', async () => {
    const company = await m.shop.newCompany();
    const product = await m.shop.newProduct(company.id);
    const { result, lines } = await written(() =>
      m.lambda.invoke(m.getProduct, m.routes.getProduct, {
        params: { companyId: company.id, productId: product.id },
      }),
    );
    expect(result.status).toBe(200);
    const requestId = String(result.headers['x-request-id']);
    const logLines = lines.filter((line) => 'level' in line);
    const queryLine = logLines.find((line) => line.message === 'query');
    const requestLine = logLines.find((line) => line.message === 'request');
    expect(queryLine).toBeDefined();
    expect(requestLine).toMatchObject({
      status: 200,
      route: 'GET /companies/{companyId}/products/{productId}',
    });
    for (const line of logLines) {
      expect(line).toMatchObject({
        requestId,
        function_name: m.lambda.context.functionName,
        function_request_id: m.lambda.context.awsRequestId,
        service: 'distribushop',
      });
      expect(typeof line.cold_start).toBe('boolean');
    }
    // The request's keys end with it.
    const { lines: after } = await written(async () => m.logger().info('between requests'));
    expect(after.find((l) => l.message === 'between requests')).not.toHaveProperty('requestId');
  });
});

describe('metrics', () => {
  it('should count an order placed once, and its replay not again', async () => {
    const company = await m.shop.newCompany();
    const product = await m.shop.newProduct(company.id, { stock: 5 });
    const body = {
      customer: { email: 'ada@example.com', name: 'Ada' },
      items: [{ productId: product.id, quantity: 1 }],
    };
    const placed = await written(() => m.shop.placeOrder(company.id, body, 'metrics-key-1'));
    expect(placed.result.status).toBe(201);
    const counted = metricsIn(placed.lines);
    expect(counted).toContainEqual(
      expect.objectContaining({
        name: 'OrdersPlaced',
        value: 1,
        dims: expect.objectContaining({ route: 'placeOrder' }),
      }),
    );
    const time = counted.find((c) => c.name === 'DatabaseTime');
    expect(time?.value).toEqual(expect.any(Number));
    expect(time?.value as number).toBeGreaterThan(0);

    const replayed = await written(() => m.shop.placeOrder(company.id, body, 'metrics-key-1'));
    expect(replayed.result.status).toBe(200);
    expect(metricsIn(replayed.lines).map((c) => c.name)).not.toContain('OrdersPlaced');
  });

  it('should count refused orders by their problem type', async () => {
    const company = await m.shop.newCompany();
    const product = await m.shop.newProduct(company.id, { stock: 1 });
    const short = await written(() =>
      m.shop.placeOrder(company.id, {
        customer: { email: 'bo@example.com', name: 'Bo' },
        items: [{ productId: product.id, quantity: 2 }],
      }),
    );
    expect(short.result.status).toBe(409);
    expect(metricsIn(short.lines)).toContainEqual(
      expect.objectContaining({
        name: 'OrdersRefused',
        value: 1,
        dims: expect.objectContaining({ reason: 'insufficient-stock' }),
      }),
    );
    const invalid = await written(() => m.shop.placeOrder(company.id, { items: [] }));
    expect(invalid.result.status).toBe(400);
    expect(metricsIn(invalid.lines)).toContainEqual(
      expect.objectContaining({
        name: 'OrdersRefused',
        dims: expect.objectContaining({ reason: 'validation' }),
      }),
    );
    expect(metricsIn(invalid.lines).map((c) => c.name)).not.toContain('OrdersPlaced');
  });

  it('should count a 503 by its cause', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    jest.spyOn(Pool.prototype, 'query').mockImplementation(() => Promise.reject(refused));
    const { result, lines } = await written(() =>
      m.lambda.invoke(m.getProduct, m.routes.getProduct, { params: { companyId: 1, productId: 1 } }),
    );
    expect(result.status).toBe(503);
    expect(metricsIn(lines)).toContainEqual(
      expect.objectContaining({
        name: 'Unavailable',
        value: 1,
        dims: expect.objectContaining({ cause: 'database' }),
      }),
    );
  });
});
