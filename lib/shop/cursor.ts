/** Opaque pagination cursors: the sort key of the last row of a page, as base64url JSON. */
import { ValidationError } from '../errors';

export function encodeCursor(key: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): (number | string)[] | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    new ValidationError('The cursor is not one this API returned', [
      { path: 'query.cursor', message: 'is not a cursor returned by this API' },
    ]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(key) ||
    key.length !== arity ||
    !key.every((k) => (typeof k === 'number' && Number.isSafeInteger(k)) || typeof k === 'string')
  ) {
    throw invalid();
  }
  return key as (number | string)[];
}

/** Splits a result fetched with `limit + 1` rows into a page and the cursor of its last row. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  key: (row: R) => (number | string)[],
) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null,
  };
}
