/**
 * Security basics: no secret and no request data in a log line or an answer, whatever
 * fails; body and header limits. (SQL parameterization: test/unit/sql-parameters.test.ts;
 * hostile input in every field: hostile-input.test.ts.)
 *
 * Shown to fail: before the log left out quoted values, the 500 below logged
 * `invalid input syntax for type bigint: "zzSECRET-body-value"`, the request's own text.
 */
import { Pool } from 'pg';
import { handler as createCompany } from '../../../functions/companies/create';
import { handler as getOrder } from '../../../functions/orders/get';
import { handler as getProduct } from '../../../functions/products/get';
import { config } from '../../../lib/config';
import { createDb, setDefaultDb } from '../../../lib/db';
import { routes } from '../../../lib/http/routes';
import { closeDb } from '../../support/db';
import { invoke } from '../../support/lambda';

afterAll(closeDb);
afterEach(() => jest.restoreAllMocks());

/** Every line logged while `work` runs. */
async function logsOf<T>(work: () => Promise<T>): Promise<{ result: T; logged: string }> {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  // Every console method: the logger writes each level through its own (debug, info, …).
  for (const method of ['log', 'debug', 'info', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation(capture);
  }
  const result = await work();
  return { result, logged: lines.join('\n') };
}

describe('secrets and request data', () => {
  it('should keep the database password out of logs and answers when the database is unreachable', async () => {
    const { findFreePortRange } = await import('../../../infra/local-cluster');
    const port = await findFreePortRange(1);
    const secret = 's3cr3t-Pa55word';
    const unreachable = createDb({
      ...config(),
      DATABASE_URL: `postgres://shop:${secret}@127.0.0.1:${port}/shop`,
    });
    const shared = setDefaultDb(unreachable);
    try {
      const { result, logged } = await logsOf(() =>
        invoke(getOrder, routes.getOrder, { params: { companyId: 1, orderId: 1 } }),
      );
      expect(result.status).toBe(503);
      expect(logged).toContain('ECONNREFUSED');
      expect(logged).not.toContain(secret);
      expect(JSON.stringify(result)).not.toContain(secret);
    } finally {
      setDefaultDb(shared);
      await unreachable.close();
    }
  });

  it('should keep a value the database quotes in its error out of the log', async () => {
    const value = 'zzSECRET-body-value';
    const refused = Object.assign(new Error(`invalid input syntax for type bigint: "${value}"`), {
      code: '22P02',
      severity: 'ERROR',
    });
    jest.spyOn(Pool.prototype, 'query').mockImplementation(() => Promise.reject(refused));
    const { result, logged } = await logsOf(() =>
      invoke(createCompany, routes.createCompany, { body: { name: value } }),
    );
    expect(result.status).toBe(500);
    expect(logged).toContain('invalid input syntax for type bigint');
    expect(logged).toContain(String(result.headers['x-request-id']));
    expect(logged).not.toContain(value);
    expect(JSON.stringify(result.body)).not.toContain(value);
  });
});

describe('limits', () => {
  it('should refuse a body over MAX_BODY_BYTES with 413 before parsing it', async () => {
    const reply = await invoke(createCompany, routes.createCompany, {
      body: { name: 'x'.repeat(config().MAX_BODY_BYTES) },
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ type: '/problems/payload-too-large' });
  });

  it('should refuse a large body on a GET with 413 too, as the route documents', async () => {
    const reply = await invoke(getProduct, routes.getProduct, {
      params: { companyId: '1', productId: '1' },
      body: { filler: 'x'.repeat(config().MAX_BODY_BYTES) },
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ type: '/problems/payload-too-large' });
  });

  it('should refuse headers over MAX_HEADER_BYTES with 431', async () => {
    const reply = await invoke(createCompany, routes.createCompany, {
      headers: { cookie: 'c'.repeat(config().MAX_HEADER_BYTES) },
      body: { name: 'Fine' },
    });
    expect(reply.status).toBe(431);
    expect(reply.body).toMatchObject({ type: '/problems/headers-too-large' });
  });
});
