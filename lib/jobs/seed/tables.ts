/**
 * The tables seeding writes, with their columns in COPY order. The ad tables' columns are
 * the Citus tutorial's, in its order (sql/002_ad_tables.sql), so its CSV files load as
 * published; the shop tables follow sql/003_shop_tables.sql.
 */

import { DISTRIBUTED_TABLES } from '../../db/catalog';

export const SEED_COLUMNS = {
  companies: ['id', 'name', 'image_url', 'created_at', 'updated_at'],
  campaigns: [
    'id',
    'company_id',
    'name',
    'cost_model',
    'state',
    'monthly_budget',
    'blacklisted_site_urls',
    'created_at',
    'updated_at',
  ],
  ads: [
    'id',
    'company_id',
    'campaign_id',
    'name',
    'image_url',
    'target_url',
    'impressions_count',
    'clicks_count',
    'created_at',
    'updated_at',
  ],
  clicks: [
    'id',
    'company_id',
    'ad_id',
    'clicked_at',
    'site_url',
    'cost_per_click_usd',
    'user_ip',
    'user_data',
  ],
  impressions: [
    'id',
    'company_id',
    'ad_id',
    'seen_at',
    'site_url',
    'cost_per_impression_usd',
    'user_ip',
    'user_data',
  ],
  geo_ips: ['addrs', 'latlon'],
  products: [
    'company_id',
    'id',
    'name',
    'sku',
    'price_cents',
    'currency',
    'stock',
    'category_slug',
    'created_at',
    'updated_at',
  ],
  customers: ['company_id', 'id', 'email', 'name', 'created_at'],
  orders: [
    'company_id',
    'id',
    'customer_id',
    'status',
    'total_cents',
    'currency',
    'created_at',
    'updated_at',
  ],
  order_items: ['company_id', 'order_id', 'product_id', 'quantity', 'unit_price_cents'],
} as const;

export type SeedTable = keyof typeof SEED_COLUMNS;

/** Tables whose `id` is a bigserial: their sequences are moved past the loaded ids. */
export const SERIAL_TABLES = [
  'companies',
  'campaigns',
  'ads',
  'clicks',
  'impressions',
  'products',
  'customers',
  'orders',
] as const;

/**
 * Every table a reset empties: the tenant tables (all hang off companies) and the
 * tutorial's geo_ips. The schema's own lookups (currencies, categories) stay.
 */
export const RESET_TABLES = [...DISTRIBUTED_TABLES.map((t) => t.table), 'geo_ips'] as const;
