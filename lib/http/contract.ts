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
import type { HealthReport } from '../cluster/inspect';
import type { ClusterStatus } from '../cluster/status';
import { CAMPAIGN_STATES, COST_MODELS, ORDER_STATUSES, SKU_PATTERN } from '../db/catalog';
import type * as shop from '../shop/types';

const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A positive id as it appears in a path or query string. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'must be a positive whole number')
  .transform(Number)
  .pipe(z.number().max(MAX_ID, 'is too large'))
  .meta({ type: 'integer', minimum: 1, example: 5 });

export const id = z.number().int().min(1).max(MAX_ID);
const cents = z.number().int().min(0).max(1_000_000_000_00);
const timestamp = z.string().meta({ format: 'date-time', example: '2026-11-24T10:00:00.000Z' });

export const companyPath = z.object({ companyId: idParam });
export const productPath = z.object({ companyId: idParam, productId: idParam });
export const orderPath = z.object({ companyId: idParam, orderId: idParam });
export const customerPath = z.object({ companyId: idParam, customerId: idParam });
export const campaignPath = z.object({ companyId: idParam, campaignId: idParam });

const limit = (fallback: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`))
    .optional()
    .transform((v) => v ?? fallback)
    .meta({ type: 'integer', minimum: 1, maximum: max, default: fallback });

const cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor returned by this API')
  .optional()
  .meta({ description: 'The `nextCursor` of the previous page' });

export const pageQuery = z.object({ limit: limit(20, 100), cursor }).strict();

export const productListQuery = z
  .object({
    limit: limit(20, 100),
    cursor,
    q: z.string().trim().min(1).max(100).optional().meta({ description: 'Part of the product name' }),
  })
  .strict();

export const campaignListQuery = z
  .object({
    limit: limit(10, 100),
    cursor,
    state: z.enum(CAMPAIGN_STATES).optional(),
  })
  .strict();

const name = z.string().trim().min(1, 'must not be empty').max(200);

export const companyIn = z.object({ name }).strict().meta({ id: 'CompanyIn' });
export const companyOut = z
  .object({ id, name: z.string(), imageUrl: z.string().nullable(), createdAt: timestamp })
  .meta({ id: 'Company' });

export const productIn = z
  .object({
    name,
    sku: z.string().regex(SKU_PATTERN, 'must be 1-64 letters, digits, dots, dashes or underscores'),
    priceCents: cents,
    stock: z.number().int().min(0).max(1_000_000_000),
  })
  .strict()
  .meta({ id: 'ProductIn' });

export const productPatch = productIn
  .pick({ name: true, priceCents: true, stock: true })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give at least one of name, priceCents, stock')
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

export const orderItemIn = z
  .object({ productId: id, quantity: z.number().int().min(1).max(10_000) })
  .strict()
  .meta({ id: 'OrderItemIn' });

export const orderIn = z
  .object({
    customer: z.union(
      [
        z.object({ id }).strict(),
        z
          .object({
            email: z
              .email()
              .max(254)
              .transform((e) => e.toLowerCase()),
            name,
          })
          .strict(),
      ],
      { error: 'must be {"id"} of a known customer, or {"email", "name"}' },
    ),
    items: z.array(orderItemIn).min(1, 'must hold at least one item').max(100),
  })
  .strict()
  .meta({ id: 'OrderIn' });

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters')
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
    totalCents: cents,
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
  Assert<Same<z.output<typeof healthOut>, HealthReport>>,
  Assert<Same<z.output<typeof clusterStatusOut>, ClusterStatus>>,
];
