import { ValidationError } from '../../lib/errors';
import { cursorKeys, decodeCursor, encodeCursor, readCursor } from '../../lib/shop/cursor';

const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursors', () => {
  it('should round-trip the key of each list', () => {
    expect(decodeCursor(encodeCursor([900, 12]), cursorKeys.campaigns)).toEqual([900, 12]);
    expect(decodeCursor(encodeCursor([-1, 3]), cursorKeys.campaigns)).toEqual([-1, 3]);
    expect(decodeCursor(encodeCursor([7]), cursorKeys.products)).toEqual([7]);
    expect(decodeCursor(undefined, cursorKeys.products)).toBeUndefined();
  });

  it.each([
    ['products', forged(['x'])],
    ['products', forged([-5])],
    ['products', forged([0])],
    ['products', forged([1.5])],
    ['products', forged([2 ** 53])],
    ['products', forged([1, 2])],
    ['products', forged({ id: 1 })],
    ['products', forged(null)],
    ['customerOrders', forged(['1'])],
    ['campaigns', forged(['x', 1])],
    ['campaigns', forged([1, 'x'])],
    ['campaigns', forged([-2, 1])],
    ['campaigns', forged([1])],
    ['products', 'not-base64-json'],
    ['products', 'a+b/'],
    ['products', ''],
    ['products', 'A'.repeat(201)],
  ] as const)('should refuse a %s cursor %s as a validation error naming query.cursor', (list, cursor) => {
    expect(readCursor(cursor, cursorKeys[list])).toBeUndefined();
    let thrown: unknown;
    try {
      decodeCursor(cursor, cursorKeys[list]);
    } catch (error: unknown) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).errors).toEqual([
      { path: 'query.cursor', message: expect.stringContaining('nextCursor') },
    ]);
  });
});
