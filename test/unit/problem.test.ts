import {
  AppError,
  ConflictError,
  InsufficientStockError,
  NotFoundError,
  PROBLEM_TYPES,
  type ProblemType,
  ServiceUnavailableError,
  ValidationError,
} from '../../lib/errors';
import { toProblem } from '../../lib/http/middleware/problem';

describe('toProblem', () => {
  it('should expose a 4xx with its type, detail and extensions', () => {
    const { problem } = toProblem(
      new InsufficientStockError([{ productId: 7, requested: 3, available: 1 }]),
      'req-1',
      '/x',
    );
    expect(problem).toEqual({
      type: '/problems/insufficient-stock',
      title: 'Not enough stock',
      status: 409,
      detail: 'Not enough stock for product 7 (requested 3, available 1)',
      instance: '/x',
      requestId: 'req-1',
      products: [{ productId: 7, requested: 3, available: 1 }],
    });
  });

  it('should list validation issues', () => {
    const { problem } = toProblem(
      new ValidationError('bad', [{ path: 'body.name', message: 'is required' }]),
      'r',
    );
    expect(problem.errors).toEqual([{ path: 'body.name', message: 'is required' }]);
  });

  it('should hide the cause of a 503 and set Retry-After', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.5:5432');
    const { problem, headers } = toProblem(new ServiceUnavailableError('db down', 7, { cause }), 'r');
    expect(problem.status).toBe(503);
    expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|db down/);
    expect(headers).toEqual({ 'Retry-After': '7' });
  });

  it('should turn anything unknown into a generic 500 naming only the request id', () => {
    const { problem } = toProblem(new Error('syntax error at or near "SELEC"'), 'req-9');
    expect(problem).toMatchObject({
      status: 500,
      type: '/problems/internal',
      detail: expect.stringContaining('req-9'),
    });
    expect(JSON.stringify(problem)).not.toContain('SELEC');
  });
});

describe('the problem types', () => {
  it('should give every type of the table its status, title and a name for logs', () => {
    for (const [type, { status, title }] of Object.entries(PROBLEM_TYPES)) {
      const error = new AppError(type as ProblemType, 'x');
      const { problem } = toProblem(error, 'r');
      expect(problem).toMatchObject({ type: `/problems/${type}`, status, title });
      expect(error.name).toMatch(/^[A-Z][A-Za-z]+Error$/);
    }
  });

  it('should make classes from the table that keep their type apart', () => {
    const missing = new NotFoundError('Product 3 does not exist');
    expect(missing).toBeInstanceOf(AppError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).not.toBeInstanceOf(ConflictError);
    expect(missing).toMatchObject({ name: 'NotFoundError', statusCode: 404, type: 'not-found' });
    expect(new InsufficientStockError([])).toMatchObject({ statusCode: 409, type: 'insufficient-stock' });
  });
});
