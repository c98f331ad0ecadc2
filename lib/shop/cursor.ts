/**
 * Opaque pagination cursors: the sort key of the last row of a page, as base64url JSON.
 *
 * Each list has its own key shape, checked element by element when a cursor comes back:
 * a cursor that decodes but holds another type or an out-of-range number (`["x"]`, `[-5]`)
 * is refused like any other forged cursor, before it can reach a bigint cast in SQL.
 */
import { ValidationError } from '../errors';
import * as z from '../zod';

/** The largest id the API hands out: ids are JSON numbers, exact up to 2^53 - 1. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

const rowId = () => z.number().check(z.int(), z.minimum(1), z.maximum(MAX_ID));

/** The sort key of each list, as its cursor holds it; each built on first use. */
export const cursorKeys = {
  /** Products by id: the last id seen. */
  products: z.lazy(() => z.tuple([rowId()])),
  /** A customer's orders, newest first: the last id seen. */
  customerOrders: z.lazy(() => z.tuple([rowId()])),
  /** A company's API keys, newest first: the last id seen. */
  apiKeys: z.lazy(() => z.tuple([rowId()])),
  /** Campaigns by monthly budget (no budget sorts as -1), then id. */
  campaigns: z.lazy(() => z.tuple([z.number().check(z.int(), z.minimum(-1), z.maximum(MAX_ID)), rowId()])),
};

export type CursorKey = z.ZodMiniType<readonly (number | string)[]>;

export const CURSOR_MESSAGE = 'is not a cursor returned by this API; pass back the nextCursor of a page';
const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,200}$/;

export function encodeCursor(key: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key a cursor holds when it is one of this list's cursors; undefined otherwise. */
export function readCursor<K extends CursorKey>(cursor: string, key: K): z.output<K> | undefined {
  if (!CURSOR_TEXT.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = key.safeParse(decoded);
  return parsed.success ? parsed.data : undefined;
}

/** The key of `cursor` (undefined for the first page); a ValidationError naming query.cursor if forged. */
export function decodeCursor<K extends CursorKey>(
  cursor: string | undefined,
  key: K,
): z.output<K> | undefined {
  if (cursor === undefined) return undefined;
  const decoded = readCursor(cursor, key);
  if (decoded === undefined) {
    throw new ValidationError(`The request is not valid: query.cursor ${CURSOR_MESSAGE}`, [
      { path: 'query.cursor', message: CURSOR_MESSAGE },
    ]);
  }
  return decoded;
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
