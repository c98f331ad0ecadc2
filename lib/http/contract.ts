/**
 * The API contract as zod schemas: JSON in camelCase, money as integer cents, ids as
 * JSON numbers. Handlers validate with these and the OpenAPI document is generated
 * from them, so the two cannot drift; the services' own types (lib/shop/types.ts) are
 * checked against them at compile time at the end of this file.
 *
 * The schemas are zod/mini's (lib/zod.ts), so a function bundles only the validators it
 * uses. OpenAPI details are metadata in zod's global registry (`doc()` below: an `id`
 * makes a schema a component of the document, the rest is JSON Schema merged into the
 * schema's own), so a function that validates with these schemas does not bundle the
 * OpenAPI generator; none does (the document is generated ahead, by `npm run openapi`).
 */

import type { ApiKey, NewApiKey } from '../auth/api-keys';
import { KEY_KINDS } from '../auth/key-text';
import type { HealthReport } from '../cluster/inspect';
import type { ClusterStatus } from '../cluster/status';
import { CAMPAIGN_STATES, COST_MODELS, ORDER_STATUSES, SKU_PATTERN } from '../db/catalog';
import { MAX_ORDER_LINES, MAX_PRICE_CENTS, MAX_QUANTITY, MAX_STOCK } from '../limits';
import { CURSOR_MESSAGE, type CursorKey, cursorKeys, MAX_ID, readCursor } from '../shop/cursor';
import type * as shop from '../shop/types';
import * as z from '../zod';

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
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: expecting(`must be one of ${values.join(', ')}`) });

/** A whole number of any size (a count, a port): JSON's integer. */
const integer = () => z.number().check(z.int());

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
const cents = z.lazy(() => wholeNumber(0, MAX_PRICE_CENTS));
const timestamp = doc(z.string(), { format: 'date-time', example: '2026-11-24T10:00:00.000Z' });

const path = <S extends z.core.$ZodLooseShape>(shape: S) => z.lazy(() => fields(shape, 'path parameter'));
export const companyPath = path({ companyId: idParam });
export const productPath = path({ companyId: idParam, productId: idParam });
export const orderPath = path({ companyId: idParam, orderId: idParam });
export const customerPath = path({ companyId: idParam, customerId: idParam });
export const campaignPath = path({ companyId: idParam, campaignId: idParam });
export const keyPath = path({ companyId: idParam, keyId: idParam });

/** A browser's revalidation of a file it has cached (the console's files carry an ETag). */
export const conditionalHeaders = z.lazy(() =>
  z.object({
    'if-none-match': z.optional(z.string().check(z.maxLength(1024, 'must be at most 1024 characters'))),
  }),
);

/** What a browser's preflight request (OPTIONS) asks for: read by the catch-all, never refused. */
export const preflightHeaders = z.lazy(() =>
  z.object({
    origin: z.optional(z.string()),
    'access-control-request-method': z.optional(z.string()),
  }),
);

/** A file of the console under /console/, e.g. `assets/index-3f9a2c1b.js`. */
export const consoleFilePath = z.lazy(() =>
  fields({ file: doc(text({ max: 255 }), { example: 'assets/index-3f9a2c1b.js' }) }, 'path parameter'),
);

const limit = (fallback: number, max: number) => {
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
const cursor = (key: CursorKey) =>
  doc(
    z.optional(
      z
        .string({ error: CURSOR_MESSAGE })
        .check(z.refine((c) => readCursor(c, key) !== undefined, CURSOR_MESSAGE)),
    ),
    { description: 'The `nextCursor` of the previous page' },
  );

export const pageQuery = z.lazy(() =>
  fields({ limit: limit(20, 100), cursor: cursor(cursorKeys.customerOrders) }, 'query parameter'),
);

export const keyListQuery = z.lazy(() =>
  fields({ limit: limit(20, 100), cursor: cursor(cursorKeys.apiKeys) }, 'query parameter'),
);

export const productListQuery = z.lazy(() =>
  fields(
    {
      limit: limit(20, 100),
      cursor: cursor(cursorKeys.products),
      q: doc(z.optional(text({ max: 100 })), { description: 'Part of the product name' }),
    },
    'query parameter',
  ),
);

export const campaignListQuery = z.lazy(() =>
  fields(
    {
      limit: limit(10, 100),
      cursor: cursor(cursorKeys.campaigns),
      state: z.optional(oneOf(CAMPAIGN_STATES)),
    },
    'query parameter',
  ),
);

const name = z.lazy(() => text({ max: 200 }));
const SKU_MESSAGE =
  'must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit';

export const companyIn = doc(
  z.lazy(() => fields({ name })),
  { id: 'CompanyIn' },
);
export const companyOut = doc(
  z.lazy(() => z.object({ id, name: z.string(), imageUrl: z.nullable(z.string()), createdAt: timestamp })),
  { id: 'Company' },
);

export const keyIn = doc(
  z.lazy(() => fields({ kind: oneOf(KEY_KINDS) })),
  { id: 'ApiKeyIn' },
);

const keyFields = () => ({
  id,
  kind: z.enum(KEY_KINDS),
  prefix: doc(z.string(), {
    description: "The key's first characters, to tell keys apart; nothing to authenticate with",
    example: 'ds_sk_7_Gx2q',
  }),
  createdAt: timestamp,
});

export const keyOut = doc(
  z.lazy(() => z.object({ ...keyFields(), revokedAt: z.nullable(timestamp) })),
  { id: 'ApiKey' },
);

export const newKeyOut = doc(
  z.lazy(() =>
    z.object({
      ...keyFields(),
      key: doc(z.string(), {
        description: 'The key itself: shown in this answer only, stored nowhere (only its hash is kept)',
        example: 'ds_sk_7_Gx2qP0c9aLr4TnW8bYv3KdE6fHs1JmQ5',
      }),
    }),
  ),
  { id: 'NewApiKey' },
);

const productFields = () => ({
  name,
  sku: doc(z.string({ error: expecting(SKU_MESSAGE) }).check(z.regex(SKU_PATTERN, SKU_MESSAGE)), {
    example: 'BOOT-42',
  }),
  priceCents: cents,
  stock: wholeNumber(0, MAX_STOCK),
});

export const productIn = doc(
  z.lazy(() => fields(productFields())),
  { id: 'ProductIn' },
);

export const productPatch = doc(
  z.lazy(() => {
    const { name, priceCents, stock } = productFields();
    return fields({
      name: z.optional(name),
      priceCents: z.optional(priceCents),
      stock: z.optional(stock),
    }).check(z.refine((p) => Object.keys(p).length > 0, 'must give at least one of name, priceCents, stock'));
  }),
  { id: 'ProductPatch' },
);

export const productOut = doc(
  z.lazy(() =>
    z.object({
      id,
      companyId: id,
      name: z.string(),
      sku: z.string(),
      priceCents: cents,
      stock: integer(),
      createdAt: timestamp,
      updatedAt: timestamp,
    }),
  ),
  { id: 'Product' },
);

export const orderItemIn = doc(
  z.lazy(() => fields({ productId: id, quantity: wholeNumber(1, MAX_QUANTITY) })),
  { id: 'OrderItemIn' },
);

const EMAIL_MESSAGE = 'must be an email address such as ada@example.com, at most 254 characters';

export const orderIn = doc(
  z.lazy(() =>
    fields({
      customer: z.union(
        [
          fields({ id }),
          fields({
            email: z
              .email({ error: expecting(EMAIL_MESSAGE) })
              .check(z.maxLength(254, EMAIL_MESSAGE), z.toLowerCase()),
            name,
          }),
        ],
        { error: expecting('must be {"id"} of a known customer, or {"email", "name"}') },
      ),
      items: z
        .array(orderItemIn, { error: expecting(`must be a list of 1 to ${MAX_ORDER_LINES} items`) })
        .check(
          z.minLength(1, 'must hold at least one item'),
          z.maxLength(MAX_ORDER_LINES, `must be a list of 1 to ${MAX_ORDER_LINES} items`),
        ),
    }),
  ),
  { id: 'OrderIn' },
);

export const idempotencyHeaders = z.lazy(() =>
  z.object({
    'idempotency-key': doc(
      z
        .string({ error: 'the Idempotency-Key header is required' })
        .check(z.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters')),
      { description: 'A unique key per order; a retry with the same key and body returns the same order' },
    ),
  }),
);

export const orderOut = doc(
  z.lazy(() =>
    z.object({
      id,
      companyId: id,
      customerId: id,
      status: z.enum(ORDER_STATUSES),
      totalCents: z.number().check(z.int(), z.minimum(0)),
      currency: z.string(),
      items: z.array(z.object({ productId: id, quantity: integer(), unitPriceCents: cents })),
      createdAt: timestamp,
    }),
  ),
  { id: 'Order' },
);

const campaignFields = () => ({
  id,
  companyId: id,
  name: z.string(),
  costModel: z.enum(COST_MODELS),
  state: z.enum(CAMPAIGN_STATES),
  monthlyBudget: z.nullable(integer()),
});

export const campaignOut = doc(
  z.lazy(() => z.object(campaignFields())),
  { id: 'Campaign' },
);

export const adOut = doc(
  z.lazy(() =>
    z.object({
      id,
      name: z.string(),
      imageUrl: z.nullable(z.string()),
      targetUrl: z.nullable(z.string()),
      impressionsCount: doc(integer(), { description: 'The counter stored on the ad' }),
      clicksCount: integer(),
      impressions: doc(integer(), { description: 'Impressions recorded for the ad' }),
      clicks: doc(integer(), { description: 'Clicks recorded for the ad' }),
    }),
  ),
  { id: 'Ad' },
);

export const campaignDetailOut = doc(
  z.lazy(() =>
    z.object({ ...campaignFields(), blacklistedSiteUrls: z.array(z.string()), ads: z.array(adOut) }),
  ),
  { id: 'CampaignDetail' },
);

/** A page of a list: its items and the cursor of the next page. */
export const page = <T extends Schema>(item: T, name: string) =>
  doc(
    z.lazy(() => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) })),
    { id: name },
  );

export const healthOut = doc(
  z.lazy(() =>
    z.object({
      status: doc(z.enum(['ok', 'degraded']), {
        description: '`degraded`: the coordinator answers but a worker does not; its tenants get 503',
      }),
      database: z.enum(['citus', 'plain']),
      citusVersion: z.nullable(z.string()),
      activeWorkers: integer(),
      unreachableWorkers: doc(z.array(z.string()), {
        description: 'Active workers the coordinator cannot reach',
      }),
    }),
  ),
  { id: 'Health' },
);

export const clusterStatusOut = doc(
  z.lazy(() =>
    z.object({
      mode: z.enum(['citus', 'plain']),
      citusVersion: z.nullable(z.string()),
      summary: z.string(),
      nodes: z.array(
        z.object({
          host: z.string(),
          port: integer(),
          role: z.enum(['coordinator', 'worker']),
          state: z.enum(['active', 'unreachable', 'inactive']),
          shards: integer(),
          dataBytes: z.nullable(integer()),
        }),
      ),
      tables: z.array(
        z.object({
          table: z.string(),
          kind: z.enum(['distributed', 'reference', 'local', 'plain']),
          distributionColumn: z.nullable(z.string()),
          colocationId: z.nullable(integer()),
          shardCount: integer(),
        }),
      ),
      largestTenants: z.array(
        z.object({
          companyId: id,
          name: z.nullable(z.string()),
          dataBytes: z.nullable(integer()),
          queries: z.nullable(integer()),
          shardId: integer(),
          host: z.string(),
          port: integer(),
        }),
      ),
      tenantsSource: doc(z.string(), {
        description: '`citus_stat_tenants`, `row sizes`, or why there are no figures',
      }),
      rebalance: z.nullable(
        z.object({
          running: z.boolean(),
          jobId: z.nullable(integer()),
          state: z.nullable(z.string()),
          tasksDone: integer(),
          tasksTotal: integer(),
          startedAt: z.nullable(timestamp),
          finishedAt: z.nullable(timestamp),
        }),
      ),
      operations: z.array(
        z.object({
          kind: z.enum(['rebalance-move', 'isolate-tenant', 'move-shard', 'split-shard']),
          detail: z.string(),
          startedAt: z.nullable(timestamp),
        }),
      ),
    }),
  ),
  { id: 'ClusterStatus' },
);

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
