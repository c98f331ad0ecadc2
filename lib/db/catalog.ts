/**
 * The database's catalogue: what the SQL bundle builds, as facts the setup check, the
 * API contract, the seeder, the cluster status and the tests share. The values mirror
 * the bundle's CHECK constraints (sql/002_ad_tables.sql, sql/003_shop_tables.sql).
 */

export const REFERENCE_TABLES = ['currencies', 'categories', 'geo_ips', 'ad_stats_rollups'] as const;

/** Distributed tables and their distribution column; all in companies' co-location group. */
export const DISTRIBUTED_TABLES = [
  { table: 'companies', column: 'id' },
  { table: 'campaigns', column: 'company_id' },
  { table: 'ads', column: 'company_id' },
  { table: 'clicks', column: 'company_id' },
  { table: 'impressions', column: 'company_id' },
  { table: 'products', column: 'company_id' },
  { table: 'customers', column: 'company_id' },
  { table: 'orders', column: 'company_id' },
  { table: 'order_items', column: 'company_id' },
  { table: 'idempotency_keys', column: 'company_id' },
  { table: 'api_keys', column: 'company_id' },
  { table: 'ad_stats_daily', column: 'company_id' },
] as const;

/**
 * Every table of the bundle: the reference tables, then the distributed ones. A function,
 * so that a bundle that imports this module for its lists of values carries no table list.
 */
export const allTables = (): readonly string[] => [
  ...REFERENCE_TABLES,
  ...DISTRIBUTED_TABLES.map((t) => t.table),
];

export const COST_MODELS = ['cost_per_click', 'cost_per_impression'] as const;
export const CAMPAIGN_STATES = ['draft', 'running', 'paused', 'archived', 'completed'] as const;
export const ORDER_STATUSES = ['placed', 'paid', 'shipped', 'cancelled'] as const;
/** products.sku CHECK. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type CostModel = (typeof COST_MODELS)[number];
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
export type OrderStatus = (typeof ORDER_STATUSES)[number];
