import { createHash } from 'node:crypto';
import { CAMPAIGN_STATES, COST_MODELS, ORDER_STATUSES, SKU_PATTERN } from '../../lib/db/catalog';
import { readCsv } from '../../lib/jobs/seed/csv';
import {
  companyPlans,
  type GenerateOptions,
  generatedTables,
  plannedRows,
} from '../../lib/jobs/seed/generate';
import type { LoadSource } from '../../lib/jobs/seed/load';
import { DEFAULTS } from '../../lib/jobs/seed/options';

const small: GenerateOptions = {
  ...DEFAULTS,
  companies: 12,
  productsPerCompany: 15,
  customersPerCompany: 6,
  ordersPerCompany: 20,
  campaignsPerCompany: 2,
  adsPerCampaign: 2,
  impressionsPerAd: 8,
  seed: 7,
};

async function text(source: LoadSource): Promise<string> {
  let out = '';
  for await (const chunk of source.chunks()) out += chunk.text.toString();
  return out;
}

async function checksums(o: GenerateOptions): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const source of generatedTables(o)) {
    sums[source.table] = createHash('sha256')
      .update(await text(source))
      .digest('hex');
  }
  return sums;
}

/** Each table's rows as objects keyed by column name. */
async function tables(o: GenerateOptions): Promise<Record<string, Record<string, string | null>[]>> {
  const out: Record<string, Record<string, string | null>[]> = {};
  for (const source of generatedTables(o)) {
    const rows: Record<string, string | null>[] = [];
    for await (const { fields } of readCsv([await text(source)])) {
      rows.push(Object.fromEntries(source.columns.map((column, i) => [column, fields[i] ?? null])));
    }
    out[source.table] = rows;
  }
  return out;
}

const num = (value: string | null | undefined) => Number(value);

describe('generated shops', () => {
  it('should give the same bytes for the same seed and other bytes for another', async () => {
    const first = await checksums(small);
    expect(await checksums(small)).toEqual(first);
    expect(await checksums({ ...small, skewed: true })).toEqual(await checksums({ ...small, skewed: true }));
    const other = await checksums({ ...small, seed: 8 });
    for (const table of Object.keys(first)) expect(other[table]).not.toBe(first[table]);
  });

  it('should produce as many rows as planned, in foreign-key order', async () => {
    const planned = plannedRows(small);
    const data = await tables(small);
    expect(Object.keys(data)).toEqual([
      'companies',
      'campaigns',
      'ads',
      'impressions',
      'clicks',
      'products',
      'customers',
      'orders',
      'order_items',
    ]);
    for (const [table, rows] of Object.entries(data))
      expect(rows).toHaveLength(planned[table as keyof typeof planned]);
    expect(planned.products).toBe(12 * 15);
    expect(planned.orders).toBe(12 * 20);
  });

  it('should keep every order consistent with its company, customer and products', async () => {
    const data = await tables({ ...small, skewed: true });
    const products = new Map((data.products ?? []).map((p) => [num(p.id), p]));
    const customers = new Map((data.customers ?? []).map((c) => [num(c.id), c]));
    const orders = new Map((data.orders ?? []).map((o) => [num(o.id), o]));
    const totals = new Map<number, number>();
    for (const item of data.order_items ?? []) {
      const product = products.get(num(item.product_id));
      const order = orders.get(num(item.order_id));
      expect(product?.company_id).toBe(item.company_id);
      expect(order?.company_id).toBe(item.company_id);
      expect(item.unit_price_cents).toBe(product?.price_cents);
      expect(num(item.quantity)).toBeGreaterThan(0);
      const id = num(item.order_id);
      totals.set(id, (totals.get(id) ?? 0) + num(item.quantity) * num(item.unit_price_cents));
    }
    for (const [id, order] of orders) {
      expect(num(order.total_cents)).toBe(totals.get(id));
      expect(customers.get(num(order.customer_id))?.company_id).toBe(order.company_id);
      expect(ORDER_STATUSES).toContain(order.status);
      const productCurrency = (data.products ?? []).find((p) => p.company_id === order.company_id)?.currency;
      expect(order.currency).toBe(productCurrency);
    }
  });

  it('should make valid products and customers', async () => {
    const data = await tables(small);
    const skus = new Set<string>();
    for (const p of data.products ?? []) {
      expect(p.sku).toMatch(SKU_PATTERN);
      skus.add(`${p.company_id}/${p.sku}`);
      expect(num(p.price_cents)).toBeGreaterThan(0);
      expect(num(p.stock)).toBeGreaterThanOrEqual(0);
    }
    expect(skus.size).toBe(data.products?.length);
    const emails = new Set<string>();
    for (const c of data.customers ?? []) {
      expect(c.email).toBe(c.email?.toLowerCase());
      expect(c.email).toMatch(/^[^@\s]+@[^@\s]+$/);
      emails.add(`${c.company_id}/${c.email}`);
    }
    expect(emails.size).toBe(data.customers?.length);
  });

  it('should give ads as many impression and click rows as their counters say', async () => {
    const data = await tables(small);
    const count = (rows: Record<string, string | null>[] | undefined, adId: string | null | undefined) =>
      (rows ?? []).filter((r) => r.ad_id === adId).length;
    for (const ad of data.ads ?? []) {
      expect(num(ad.impressions_count)).toBe(count(data.impressions, ad.id));
      expect(num(ad.clicks_count)).toBe(count(data.clicks, ad.id));
    }
    for (const campaign of data.campaigns ?? []) {
      expect(COST_MODELS).toContain(campaign.cost_model);
      expect(CAMPAIGN_STATES).toContain(campaign.state);
      if (campaign.blacklisted_site_urls !== null) expect(campaign.blacklisted_site_urls).toMatch(/^\{.*\}$/);
    }
  });

  it('should make a few large tenants and many small ones when skewed', () => {
    const o = {
      ...small,
      companies: 100,
      productsPerCompany: 50,
      ordersPerCompany: 0,
      campaignsPerCompany: 0,
    };
    const sizes = [...companyPlans({ ...o, skewed: true })].map((c) => c.products.count);
    const total = sizes.reduce((a, b) => a + b, 0);
    // Zipf (1/rank): the mean stays near 50, company 1 is ~19 times it, most are below it.
    expect(total).toBeGreaterThan(4500);
    expect(total).toBeLessThan(5500);
    expect(sizes[0]).toBeGreaterThan(15 * 50);
    expect(sizes.filter((n) => n < 50).length).toBeGreaterThan(80);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    expect([...companyPlans(o)].every((c) => c.products.count === 50)).toBe(true);
  });
});
