/**
 * The shop's requests and answers: companies, keys, products, orders and campaigns, with
 * their path and query parameters.
 */
import { KEY_KINDS } from '../../auth/key-text';
import { CAMPAIGN_STATES, COST_MODELS, ORDER_STATUSES, SKU_PATTERN } from '../../db/catalog';
import { MAX_ORDER_LINES, MAX_QUANTITY, MAX_STOCK } from '../../limits';
import { cursorKeys } from '../../shop/cursor';
import * as z from '../../zod';
import {
  cents,
  cursor,
  doc,
  expecting,
  fields,
  id,
  idParam,
  integer,
  limit,
  oneOf,
  path,
  type Schema,
  text,
  timestamp,
  wholeNumber,
} from './values';

export const companyPath = path({ companyId: idParam });
export const productPath = path({ companyId: idParam, productId: idParam });
export const orderPath = path({ companyId: idParam, orderId: idParam });
export const customerPath = path({ companyId: idParam, customerId: idParam });
export const campaignPath = path({ companyId: idParam, campaignId: idParam });
export const keyPath = path({ companyId: idParam, keyId: idParam });

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
