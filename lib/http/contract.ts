/**
 * The API contract as zod schemas: JSON in camelCase, money as integer cents, ids as
 * JSON numbers. Handlers validate with these and the OpenAPI document is generated
 * from them, so the two cannot drift; the services' own types (lib/shop/types.ts) are
 * checked against them at compile time at the end of this file.
 *
 * OpenAPI details are zod's own metadata (`.meta()`), so a function that validates with
 * these schemas does not bundle the OpenAPI generator; only the openapi function does.
 */
import { z } from 'zod';
import type { ApiKey, NewApiKey } from '../auth/api-keys';
import { KEY_KINDS } from '../auth/key-text';
import type { HealthReport } from '../cluster/inspect';
import type { ClusterStatus } from '../cluster/status';
import { CAMPAIGN_STATES, COST_MODELS, ORDER_STATUSES, SKU_PATTERN } from '../db/catalog';
import { CURSOR_MESSAGE, type CursorKey, cursorKeys, MAX_ID, readCursor } from '../shop/cursor';
import type * as shop from '../shop/types';

/**
 * The value builders every field and parameter is made of, so that each class of value
 * is checked one way everywhere and every message says what is allowed.
 */

/** The message for a value of a given kind: "is required" when it is missing. */
const expecting =
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
    .refine(storable, { error: UNSTORABLE_MESSAGE, abort: true })
    .trim()
    .min(min, { error: min === 1 ? 'must not be empty' : message })
    .max(max, { error: message });
};

/**
 * A whole JSON number from `min` to `max`: one message for a wrong type, a fraction or
 * a number out of range (zod reports a too-large integer twice; the validator keeps one).
 */
export const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .number({ error: expecting(message) })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
};

/** A JSON object with exactly these fields: an unknown field is named together with the allowed ones. */
export const fields = <S extends z.ZodRawShape>(shape: S, what = 'field') => {
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
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: expecting(`must be one of ${values.join(', ')}`) });

const ID_MESSAGE = `must be a whole number from 1 to ${MAX_ID}`;

/** A positive id as it appears in a path or query string. */
export const idParam = z
  .string({ error: expecting(ID_MESSAGE) })
  .regex(/^[1-9]\d{0,15}$/, ID_MESSAGE)
  .transform(Number)
  .pipe(z.number().max(MAX_ID, ID_MESSAGE))
  .meta({ type: 'integer', minimum: 1, maximum: MAX_ID, example: 5 });

export const id = wholeNumber(1, MAX_ID);
/**
 * Money in cents. The bounds multiply within 2^53 (price × quantity × lines), so an
 * order's total is exact as a JSON number: test/unit/contract.test.ts checks it.
 */
export const MAX_PRICE_CENTS = 1_000_000_000;
export const MAX_QUANTITY = 10_000;
export const MAX_ORDER_LINES = 100;
export const MAX_STOCK = 1_000_000_000;
const cents = wholeNumber(0, MAX_PRICE_CENTS);
const totalCents = z.number().int().min(0);
const timestamp = z.string().meta({ format: 'date-time', example: '2026-11-24T10:00:00.000Z' });

export const companyPath = fields({ companyId: idParam }, 'path parameter');
export const productPath = fields({ companyId: idParam, productId: idParam }, 'path parameter');
export const orderPath = fields({ companyId: idParam, orderId: idParam }, 'path parameter');
export const customerPath = fields({ companyId: idParam, customerId: idParam }, 'path parameter');
export const campaignPath = fields({ companyId: idParam, campaignId: idParam }, 'path parameter');
export const keyPath = fields({ companyId: idParam, keyId: idParam }, 'path parameter');

/** A browser's revalidation of a file it has cached (the console's files carry an ETag). */
export const conditionalHeaders = z.object({
  'if-none-match': z.string().max(1024, 'must be at most 1024 characters').optional(),
});

/** What a browser's preflight request (OPTIONS) asks for: read by the catch-all, never refused. */
export const preflightHeaders = z.object({
  origin: z.string().optional(),
  'access-control-request-method': z.string().optional(),
});

/** A file of the console under /console/, e.g. `assets/index-3f9a2c1b.js`. */
export const consoleFilePath = fields(
  { file: text({ max: 255 }).meta({ example: 'assets/index-3f9a2c1b.js' }) },
  'path parameter',
);

const limit = (fallback: number, max: number) => {
  const message = `must be a whole number from 1 to ${max}`;
  return z
    .string({ error: message })
    .regex(/^\d{1,4}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(1, message).max(max, message))
    .optional()
    .transform((v) => v ?? fallback)
    .meta({ type: 'integer', minimum: 1, maximum: max, default: fallback });
};

/** The `nextCursor` of a page of this list: checked here with the list's own key shape. */
const cursor = (key: CursorKey) =>
  z
    .string({ error: CURSOR_MESSAGE })
    .refine((c) => readCursor(c, key) !== undefined, CURSOR_MESSAGE)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page' });

export const pageQuery = fields(
  { limit: limit(20, 100), cursor: cursor(cursorKeys.customerOrders) },
  'query parameter',
);

export const keyListQuery = fields(
  { limit: limit(20, 100), cursor: cursor(cursorKeys.apiKeys) },
  'query parameter',
);

export const productListQuery = fields(
  {
    limit: limit(20, 100),
    cursor: cursor(cursorKeys.products),
    q: text({ max: 100 }).optional().meta({ description: 'Part of the product name' }),
  },
  'query parameter',
);

export const campaignListQuery = fields(
  {
    limit: limit(10, 100),
    cursor: cursor(cursorKeys.campaigns),
    state: oneOf(CAMPAIGN_STATES).optional(),
  },
  'query parameter',
);

const name = text({ max: 200 });
const SKU_MESSAGE =
  'must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit';

export const companyIn = fields({ name }).meta({ id: 'CompanyIn' });
export const companyOut = z
  .object({ id, name: z.string(), imageUrl: z.string().nullable(), createdAt: timestamp })
  .meta({ id: 'Company' });

export const keyIn = fields({ kind: oneOf(KEY_KINDS) }).meta({ id: 'ApiKeyIn' });

const keyFields = {
  id,
  kind: z.enum(KEY_KINDS),
  prefix: z.string().meta({
    description: "The key's first characters, to tell keys apart; nothing to authenticate with",
    example: 'ds_sk_7_Gx2q',
  }),
  createdAt: timestamp,
};

export const keyOut = z.object({ ...keyFields, revokedAt: timestamp.nullable() }).meta({ id: 'ApiKey' });

export const newKeyOut = z
  .object({
    ...keyFields,
    key: z.string().meta({
      description: 'The key itself: shown in this answer only, stored nowhere (only its hash is kept)',
      example: 'ds_sk_7_Gx2qP0c9aLr4TnW8bYv3KdE6fHs1JmQ5',
    }),
  })
  .meta({ id: 'NewApiKey' });

const productFields = {
  name,
  sku: z
    .string({ error: expecting(SKU_MESSAGE) })
    .regex(SKU_PATTERN, SKU_MESSAGE)
    .meta({ example: 'BOOT-42' }),
  priceCents: cents,
  stock: wholeNumber(0, MAX_STOCK),
};

export const productIn = fields(productFields).meta({ id: 'ProductIn' });

export const productPatch = fields({
  name: productFields.name.optional(),
  priceCents: productFields.priceCents.optional(),
  stock: productFields.stock.optional(),
})
  .refine((p) => Object.keys(p).length > 0, 'must give at least one of name, priceCents, stock')
  .meta({ id: 'ProductPatch' });

export const productOut = z
  .object({
    id,
    companyId: id,
    name: z.string(),
    sku: z.string(),
    priceCents: cents,
    stock: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Product' });

export const orderItemIn = fields({ productId: id, quantity: wholeNumber(1, MAX_QUANTITY) }).meta({
  id: 'OrderItemIn',
});

const EMAIL_MESSAGE = 'must be an email address such as ada@example.com, at most 254 characters';

export const orderIn = fields({
  customer: z.union(
    [
      fields({ id }),
      fields({
        email: z
          .email({ error: expecting(EMAIL_MESSAGE) })
          .max(254, EMAIL_MESSAGE)
          .transform((e) => e.toLowerCase()),
        name,
      }),
    ],
    { error: expecting('must be {"id"} of a known customer, or {"email", "name"}') },
  ),
  items: z
    .array(orderItemIn, { error: expecting(`must be a list of 1 to ${MAX_ORDER_LINES} items`) })
    .min(1, 'must hold at least one item')
    .max(MAX_ORDER_LINES, `must be a list of 1 to ${MAX_ORDER_LINES} items`),
}).meta({ id: 'OrderIn' });

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters')
    .meta({
      description: 'A unique key per order; a retry with the same key and body returns the same order',
    }),
});

export const orderOut = z
  .object({
    id,
    companyId: id,
    customerId: id,
    status: z.enum(ORDER_STATUSES),
    totalCents,
    currency: z.string(),
    items: z.array(z.object({ productId: id, quantity: z.number().int(), unitPriceCents: cents })),
    createdAt: timestamp,
  })
  .meta({ id: 'Order' });

export const campaignOut = z
  .object({
    id,
    companyId: id,
    name: z.string(),
    costModel: z.enum(COST_MODELS),
    state: z.enum(CAMPAIGN_STATES),
    monthlyBudget: z.number().int().nullable(),
  })
  .meta({ id: 'Campaign' });

export const adOut = z
  .object({
    id,
    name: z.string(),
    imageUrl: z.string().nullable(),
    targetUrl: z.string().nullable(),
    impressionsCount: z.number().int().meta({ description: 'The counter stored on the ad' }),
    clicksCount: z.number().int(),
    impressions: z.number().int().meta({ description: 'Impressions recorded for the ad' }),
    clicks: z.number().int().meta({ description: 'Clicks recorded for the ad' }),
  })
  .meta({ id: 'Ad' });

export const campaignDetailOut = campaignOut
  .extend({ blacklistedSiteUrls: z.array(z.string()), ads: z.array(adOut) })
  .meta({ id: 'CampaignDetail' });

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id: name });

export const healthOut = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({
      description: '`degraded`: the coordinator answers but a worker does not; its tenants get 503',
    }),
    database: z.enum(['citus', 'plain']),
    citusVersion: z.string().nullable(),
    activeWorkers: z.number().int(),
    unreachableWorkers: z
      .array(z.string())
      .meta({ description: 'Active workers the coordinator cannot reach' }),
  })
  .meta({ id: 'Health' });

const tableOut = z.object({
  table: z.string(),
  kind: z.enum(['distributed', 'reference', 'local', 'plain']),
  distributionColumn: z.string().nullable(),
  colocationId: z.number().int().nullable(),
  shardCount: z.number().int(),
});

const rebalanceOut = z.object({
  running: z.boolean(),
  jobId: z.number().int().nullable(),
  state: z.string().nullable(),
  tasksDone: z.number().int(),
  tasksTotal: z.number().int(),
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
});

export const clusterStatusOut = z
  .object({
    mode: z.enum(['citus', 'plain']),
    citusVersion: z.string().nullable(),
    summary: z.string(),
    nodes: z.array(
      z.object({
        host: z.string(),
        port: z.number().int(),
        role: z.enum(['coordinator', 'worker']),
        state: z.enum(['active', 'unreachable', 'inactive']),
        shards: z.number().int(),
        dataBytes: z.number().int().nullable(),
      }),
    ),
    tables: z.array(tableOut),
    largestTenants: z.array(
      z.object({
        companyId: id,
        name: z.string().nullable(),
        dataBytes: z.number().int().nullable(),
        queries: z.number().int().nullable(),
        shardId: z.number().int(),
        host: z.string(),
        port: z.number().int(),
      }),
    ),
    tenantsSource: z
      .string()
      .meta({ description: '`citus_stat_tenants`, `row sizes`, or why there are no figures' }),
    rebalance: rebalanceOut.nullable(),
    operations: z.array(
      z.object({
        kind: z.enum(['rebalance-move', 'isolate-tenant', 'move-shard', 'split-shard']),
        detail: z.string(),
        startedAt: timestamp.nullable(),
      }),
    ),
  })
  .meta({ id: 'ClusterStatus' });

/** Compile-time proof that each schema's parsed type is exactly the service's type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ContractMatchesServices = [
  Assert<Same<z.output<typeof companyIn>, shop.CompanyIn>>,
  Assert<Same<z.output<typeof companyOut>, shop.Company>>,
  Assert<Same<z.output<typeof productIn>, shop.ProductIn>>,
  Assert<Same<z.output<typeof productPatch>, shop.ProductPatch>>,
  Assert<Same<z.output<typeof productOut>, shop.Product>>,
  Assert<Same<z.output<typeof orderIn>, shop.OrderIn>>,
  Assert<Same<z.output<typeof orderOut>, shop.Order>>,
  Assert<Same<z.output<typeof campaignOut>, shop.Campaign>>,
  Assert<Same<z.output<typeof campaignDetailOut>, shop.CampaignDetail>>,
  Assert<Same<z.output<typeof keyOut>, ApiKey>>,
  Assert<Same<z.output<typeof newKeyOut>, NewApiKey>>,
  Assert<Same<z.output<typeof healthOut>, HealthReport>>,
  Assert<Same<z.output<typeof clusterStatusOut>, ClusterStatus>>,
];
