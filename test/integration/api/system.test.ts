import { Pool } from 'pg';
import { handler as createCompany } from '../../../functions/companies/create';
import { handler as getOrder } from '../../../functions/orders/get';
import { handler as health } from '../../../functions/system/health';
import { handler as openapi } from '../../../functions/system/openapi';
import { config } from '../../../lib/config';
import { closeDb, createDb, setDefaultDb } from '../../../lib/db';
import { routes } from '../../../lib/http/routes';
import { invoke } from '../../support/lambda';
import { hasCitus, workerCount } from '../../support/tiers';

afterAll(closeDb);
afterEach(() => jest.restoreAllMocks());

describe('health', () => {
  it('should report the database and its workers', async () => {
    const reply = await invoke(health, routes.health);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'ok',
      database: hasCitus ? 'citus' : 'plain',
      activeWorkers: hasCitus ? workerCount : 0,
    });
  });

  it('should answer 503 with Retry-After when the coordinator is down (a real refused connection)', async () => {
    const { findFreePortRange } = await import('../../../infra/local-cluster');
    const deadPort = await findFreePortRange(1);
    const dead = createDb({
      ...config(),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${deadPort}/distribushop`,
    });
    const shared = setDefaultDb(dead);
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const reply = await invoke(getOrder, routes.getOrder, { params: { companyId: 1, orderId: 1 } });
      expect(reply.status).toBe(503);
      expect(reply.headers['Retry-After']).toBe('5');
      expect(reply.body).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
      expect(JSON.stringify(reply.body)).not.toContain(String(deadPort));
    } finally {
      setDefaultDb(shared);
      await dead.close();
    }
    expect(logged.mock.calls.flat().join('\n')).toContain('ECONNREFUSED');
  });

  it('should answer 503 with Retry-After when the database cannot be reached', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    jest.spyOn(Pool.prototype, 'query').mockImplementation(() => Promise.reject(refused));
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reply = await invoke(health, routes.health);
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after'] ?? reply.headers['Retry-After']).toBe('5');
    expect(JSON.stringify(reply.body)).not.toContain('ECONNREFUSED');
  });
});

describe('errors', () => {
  it('should answer an unexpected error with a generic 500 that leaks no SQL or stack', async () => {
    const sqlError = Object.assign(new Error('column "secret_column" does not exist'), { code: '42703' });
    jest.spyOn(Pool.prototype, 'query').mockImplementation(() => Promise.reject(sqlError));
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reply = await invoke(createCompany, routes.createCompany, { body: { name: 'Boom' } });
    // The cause goes to the log, with the request id, and nowhere else.
    expect(logged.mock.calls.flat().join('\n')).toMatch(/secret_column.*|.*secret_column/);
    expect(logged.mock.calls.flat().join('\n')).toContain(String(reply.headers['x-request-id']));
    expect(reply.status).toBe(500);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    const text = JSON.stringify(reply.body);
    expect(text).not.toMatch(/secret_column|INSERT|at .*\.ts/);
    expect(reply.body).toMatchObject({ type: '/problems/internal', status: 500 });
    expect(reply.body.detail).toContain(String(reply.headers['x-request-id']));
  });

  it('should refuse unknown fields in a body', async () => {
    const reply = await invoke(createCompany, routes.createCompany, { body: { name: 'X', owner: 'me' } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ errors: [{ path: 'body' }] });
    expect(String(reply.body.detail)).toContain('owner');
  });
});

describe('openapi', () => {
  it('should describe every route with the schemas the handlers validate with', async () => {
    const reply = await invoke<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      openapi,
      routes.openapi,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toBe('3.1.0');
    for (const route of Object.values(routes)) {
      expect(reply.body.paths[route.path]?.[route.method]).toBeDefined();
    }
    const placeOrder = reply.body.paths['/companies/{companyId}/orders']?.post as {
      parameters: { name: string; in: string }[];
    };
    expect(placeOrder.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'companyId', in: 'path' }),
        expect.objectContaining({ name: 'idempotency-key', in: 'header' }),
      ]),
    );
  });
});
