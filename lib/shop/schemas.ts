/**
 * The API contract as zod schemas: JSON in camelCase, money as integer cents, ids as
 * JSON numbers. Handlers validate with these and the OpenAPI document is generated
 * from them, so the two cannot drift.
 */
import { CAMPAIGN_STATES, COST_MODELS, ORDER_STATUSES, SKU_PATTERN } from '../cluster/schema';
import { z } from '../http/zod';

const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A positive id as it appears in a path or query string. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'must be a positive whole number')
  .transform(Number)
  .pipe(z.number().max(MAX_ID, 'is too large'))
  .openapi({ type: 'integer', minimum: 1, example: 5 });

export const id = z.number().int().min(1).max(MAX_ID);
const cents = z.number().int().min(0).max(1_000_000_000_00);
const timestamp = z.string().openapi({ format: 'date-time', example: '2026-11-24T10:00:00.000Z' });

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
    .openapi({ type: 'integer', minimum: 1, maximum: max, default: fallback });

const cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor returned by this API')
  .optional()
  .openapi({ description: 'The `nextCursor` of the previous page' });

export const pageQuery = z.object({ limit: limit(20, 100), cursor }).strict();

export const productListQuery = z
  .object({
    limit: limit(20, 100),
    cursor,
    q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Part of the product name' }),
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

export const companyIn = z.object({ name }).strict().openapi('CompanyIn');
export const companyOut = z
  .object({ id, name: z.string(), imageUrl: z.string().nullable(), createdAt: timestamp })
  .openapi('Company');

export const productIn = z
  .object({
    name,
    sku: z.string().regex(SKU_PATTERN, 'must be 1-64 letters, digits, dots, dashes or underscores'),
    priceCents: cents,
    stock: z.number().int().min(0).max(1_000_000_000),
  })
  .strict()
  .openapi('ProductIn');

export const productPatch = productIn
  .pick({ name: true, priceCents: true, stock: true })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give at least one of name, priceCents, stock')
  .openapi('ProductPatch');

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
  .openapi('Product');

export const orderItemIn = z
  .object({ productId: id, quantity: z.number().int().min(1).max(10_000) })
  .strict()
  .openapi('OrderItemIn');

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
  .openapi('OrderIn');

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters')
    .openapi({
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
  .openapi('Order');

export const campaignOut = z
  .object({
    id,
    companyId: id,
    name: z.string(),
    costModel: z.enum(COST_MODELS),
    state: z.enum(CAMPAIGN_STATES),
    monthlyBudget: z.number().int().nullable(),
  })
  .openapi('Campaign');

export const adOut = z
  .object({
    id,
    name: z.string(),
    imageUrl: z.string().nullable(),
    targetUrl: z.string().nullable(),
    impressionsCount: z.number().int().openapi({ description: 'The counter stored on the ad' }),
    clicksCount: z.number().int(),
    impressions: z.number().int().openapi({ description: 'Impressions recorded for the ad' }),
    clicks: z.number().int().openapi({ description: 'Clicks recorded for the ad' }),
  })
  .openapi('Ad');

export const campaignDetailOut = campaignOut
  .extend({ blacklistedSiteUrls: z.array(z.string()), ads: z.array(adOut) })
  .openapi('CampaignDetail');

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const healthOut = z
  .object({
    status: z.enum(['ok']),
    database: z.enum(['citus', 'plain']),
    citusVersion: z.string().nullable(),
    activeWorkers: z.number().int(),
  })
  .openapi('Health');

export type CompanyIn = z.infer<typeof companyIn>;
export type Company = z.infer<typeof companyOut>;
export type ProductIn = z.infer<typeof productIn>;
export type ProductPatch = z.infer<typeof productPatch>;
export type Product = z.infer<typeof productOut>;
export type OrderIn = z.infer<typeof orderIn>;
export type Order = z.infer<typeof orderOut>;
export type Campaign = z.infer<typeof campaignOut>;
export type CampaignDetail = z.infer<typeof campaignDetailOut>;
export type Health = z.infer<typeof healthOut>;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
