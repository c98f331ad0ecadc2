/**
 * The value builders every schema of the contract is made of (lib/http/contract/), so
 * that each class of value is checked one way everywhere and every message says what is
 * allowed; and `doc()`, which records what the OpenAPI document says of a schema.
 */
import { MAX_PRICE_CENTS } from '../../limits';
import { CURSOR_MESSAGE, type CursorKey, MAX_ID, readCursor } from '../../shop/cursor';
import * as z from '../../zod';

/** Any schema of the contract. */
export type Schema = z.ZodMiniType;

/**
 * What the OpenAPI document says of a schema: `id` names it as a component (referenced
 * wherever it is used), the rest is JSON Schema merged into the schema's own (an
 * `example`, a `description`; `type` states how a parameter reads once parsed, e.g. an id
 * in a path is an integer, and replaces what its text form would say). Returns the schema.
 */
export const doc = <T extends Schema>(schema: T, meta: z.core.GlobalMeta): T => {
  z.globalRegistry.add(schema, meta);
  return schema;
};

/** The message for a value of a given kind: "is required" when it is missing. */
export const expecting =
  (message: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : message;

/**
 * Text PostgreSQL can store as it was meant: no NUL (it refuses it), no unpaired surrogate
 * (UTF-8 cannot encode one), and no U+FFFD, the mark a gateway leaves where the bytes sent
 * were not UTF-8 (which would otherwise be stored as if they had been text).
 */
const NOT_TEXT = /\p{Cs}|\uFFFD/u;
const storable = (value: string): boolean => !value.includes('\u0000') && !NOT_TEXT.test(value);
export const UNSTORABLE_MESSAGE =
  'must be UTF-8 text without NUL (\\u0000), unpaired surrogates or U+FFFD (bytes that were not UTF-8)';

/** Text that PostgreSQL can store: no NUL, no lone surrogate, `min` to `max` characters after trimming. */
export const text = ({ min = 1, max }: { min?: number; max: number }) => {
  const message =
    min === max ? `must be ${max} characters of text` : `must be ${min} to ${max} characters of text`;
  return z
    .string({ error: expecting(message) })
    .check(
      z.refine(storable, { error: UNSTORABLE_MESSAGE, abort: true }),
      z.trim(),
      z.minLength(min, { error: min === 1 ? 'must not be empty' : message }),
      z.maxLength(max, { error: message }),
    );
};

/**
 * A whole JSON number from `min` to `max`: one message for a wrong type, a fraction or
 * a number out of range (zod reports a too-large integer twice; the validator keeps one).
 */
export const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .number({ error: expecting(message) })
    .check(z.int({ error: message }), z.minimum(min, { error: message }), z.maximum(max, { error: message }));
};

/** A JSON object with exactly these fields: an unknown field is named together with the allowed ones. */
export const fields = <S extends z.core.$ZodLooseShape>(shape: S, what = 'field') => {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = (issue as { keys?: string[] }).keys ?? [];
        const unknown = keys.map((k) => JSON.stringify(k)).join(', ');
        return `has unknown ${what}${keys.length > 1 ? 's' : ''} ${unknown}; the ${what}s are ${allowed}`;
      }
      return issue.input === undefined ? 'is required' : `must be a JSON object with the ${what}s ${allowed}`;
    },
  });
};

/** One of a fixed list of values. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: expecting(`must be one of ${values.join(', ')}`) });

/** A whole number of any size (a count, a port): JSON's integer. */
export const integer = () => z.number().check(z.int());

const ID_MESSAGE = `must be a whole number from 1 to ${MAX_ID}`;

/*
 * Every schema below is built on first use (`z.lazy`): a function's cold start builds the
 * schemas of its own route when its first request is validated, not the whole contract
 * when the module loads.
 */

/** A positive id as it appears in a path or query string. */
export const idParam = doc(
  z.lazy(() =>
    z.pipe(
      z.pipe(
        z.string({ error: expecting(ID_MESSAGE) }).check(z.regex(/^[1-9]\d{0,15}$/, ID_MESSAGE)),
        z.transform(Number),
      ),
      z.number().check(z.maximum(MAX_ID, ID_MESSAGE)),
    ),
  ),
  { type: 'integer', minimum: 1, maximum: MAX_ID, example: 5 },
);

/** An id in a body or a response: the document states its bound, the largest exact JSON integer. */
export const id = doc(
  z.lazy(() => wholeNumber(1, MAX_ID)),
  { maximum: MAX_ID },
);
export const cents = z.lazy(() => wholeNumber(0, MAX_PRICE_CENTS));
export const timestamp = doc(z.string(), { format: 'date-time', example: '2026-11-24T10:00:00.000Z' });

/** The path parameters of a route: exactly these, each named when it is wrong. */
export const path = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.lazy(() => fields(shape, 'path parameter'));
export const limit = (fallback: number, max: number) => {
  const message = `must be a whole number from 1 to ${max}`;
  return doc(
    z.pipe(
      z.optional(
        z.pipe(
          z.pipe(z.string({ error: message }).check(z.regex(/^\d{1,4}$/, message)), z.transform(Number)),
          z.number().check(z.int(), z.minimum(1, message), z.maximum(max, message)),
        ),
      ),
      z.transform((v: number | undefined) => v ?? fallback),
    ),
    { type: 'integer', minimum: 1, maximum: max, default: fallback },
  );
};

/** The `nextCursor` of a page of this list: checked here with the list's own key shape. */
export const cursor = (key: CursorKey) =>
  doc(
    z.optional(
      z
        .string({ error: CURSOR_MESSAGE })
        .check(z.refine((c) => readCursor(c, key) !== undefined, CURSOR_MESSAGE)),
    ),
    { description: 'The `nextCursor` of the previous page' },
  );
