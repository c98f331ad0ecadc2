/**
 * Deterministic generated shops. Every row is a pure function of the seed and its ids:
 * ids are explicit and dense (company c's products are one run of ids, and so on), each
 * row draws from a PRNG seeded by (seed, kind, id), and the few facts that cross tables
 * (a product's price, an order's items, an ad's impression and click counts) come from
 * functions both sides call. So tables stream one after the other in foreign-key order
 * with nothing kept in memory, and the same seed gives the same bytes.
 */

import { CAMPAIGN_STATES, COST_MODELS, type ORDER_STATUSES } from '../../db/catalog';
import { csvLine } from './csv';
import type { LoadSource } from './load';
import { type Random, randomFor } from './random';
import { SEED_COLUMNS, type SeedTable } from './tables';
import * as words from './words';

export interface GenerateOptions {
  companies: number;
  /** Mean per company (exactly this many each unless `skewed`). */
  productsPerCompany: number;
  customersPerCompany: number;
  ordersPerCompany: number;
  campaignsPerCompany: number;
  /** Mean ads per campaign (each campaign has this ±1). */
  adsPerCampaign: number;
  /** Mean impression rows per ad; clicks are a few percent of them. */
  impressionsPerAd: number;
  seed: number;
  /** Zipf-sized tenants (company 1 largest, a long tail of small ones) instead of equal ones. */
  skewed: boolean;
}

/** Ids `first` to `first + count - 1`. */
export interface IdRange {
  first: number;
  count: number;
}

export interface CompanyPlan {
  id: number;
  currency: string;
  products: IdRange;
  customers: IdRange;
  orders: IdRange;
  campaigns: IdRange;
}

export interface AdPlan {
  id: number;
  companyId: number;
  campaignId: number;
  impressions: IdRange;
  clicks: IdRange;
}

export interface OrderItem {
  productId: number;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderFacts {
  customerId: number;
  status: (typeof ORDER_STATUSES)[number];
  items: OrderItem[];
  totalCents: number;
  createdAt: number;
  updatedAt: number;
}

// One PRNG stream per kind of value, so that adding a column to one table changes no other.
const STREAM = {
  company: 1,
  currency: 2,
  product: 3,
  price: 4,
  customer: 5,
  order: 6,
  campaign: 7,
  adCount: 8,
  ad: 9,
  adStats: 10,
  impression: 11,
  click: 12,
} as const;

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
/** Every generated timestamp is fixed relative to this instant, never to now(). */
const EPOCH = Date.UTC(2023, 0, 1);
const COMPANIES_FROM = EPOCH;
const CATALOG_FROM = EPOCH + 180 * DAY;
const CAMPAIGNS_FROM = EPOCH + 200 * DAY;
const ACTIVITY_FROM = EPOCH + 365 * DAY;

/** `timestamp without time zone` text. */
function timestamp(ms: number): string {
  return new Date(Math.floor(ms / SECOND) * SECOND).toISOString().slice(0, 19).replace('T', ' ');
}

/** `timestamptz` text, in UTC. */
function timestamptz(ms: number): string {
  return `${timestamp(ms)}+00`;
}

function between(r: Random, from: number, days: number): number {
  return from + r.int(0, days * 24 * 3600) * SECOND;
}

/** Tenant size multipliers with mean 1: all 1, or Zipf (1/rank, scaled). */
function sizeWeight(o: GenerateOptions): (rank: number) => number {
  if (!o.skewed) return () => 1;
  let harmonic = 0;
  for (let rank = 1; rank <= o.companies; rank++) harmonic += 1 / rank;
  const scale = o.companies / harmonic;
  return (rank) => scale / rank;
}

function scaled(mean: number, weight: number): number {
  return mean === 0 ? 0 : Math.max(1, Math.round(mean * weight));
}

const CURRENCIES = ['USD', 'USD', 'USD', 'EUR', 'GBP'] as const;

/** Each company's currency and id ranges, in id order, with running offsets only. */
export function* companyPlans(o: GenerateOptions): Generator<CompanyPlan> {
  const weight = sizeWeight(o);
  const next = { product: 1, customer: 1, order: 1, campaign: 1 };
  const take = (key: keyof typeof next, count: number): IdRange => {
    const range = { first: next[key], count };
    next[key] += count;
    return range;
  };
  for (let id = 1; id <= o.companies; id++) {
    const w = weight(id);
    yield {
      id,
      currency: randomFor(o.seed, STREAM.currency, id).pick(CURRENCIES),
      products: take('product', scaled(o.productsPerCompany, w)),
      customers: take('customer', scaled(o.customersPerCompany, w)),
      orders: take('order', scaled(o.ordersPerCompany, w)),
      campaigns: take('campaign', scaled(o.campaignsPerCompany, w)),
    };
  }
}

function adsOfCampaign(o: GenerateOptions, campaignId: number): number {
  if (o.adsPerCampaign === 0) return 0;
  return randomFor(o.seed, STREAM.adCount, campaignId).int(
    Math.max(1, o.adsPerCampaign - 1),
    o.adsPerCampaign + 1,
  );
}

function adStats(o: GenerateOptions, adId: number): { impressions: number; clicks: number } {
  if (o.impressionsPerAd === 0) return { impressions: 0, clicks: 0 };
  const r = randomFor(o.seed, STREAM.adStats, adId);
  const half = Math.floor(o.impressionsPerAd / 2);
  const impressions = r.int(o.impressionsPerAd - half, o.impressionsPerAd + half);
  const clickThrough = 0.01 + r.next() * 0.07;
  return { impressions, clicks: Math.round(impressions * clickThrough) };
}

/** Every ad with its company, campaign, and the ids of its impression and click rows. */
export function* adPlans(o: GenerateOptions): Generator<AdPlan> {
  let ad = 1;
  let impression = 1;
  let click = 1;
  for (const company of companyPlans(o)) {
    const { first, count } = company.campaigns;
    for (let campaignId = first; campaignId < first + count; campaignId++) {
      for (let k = adsOfCampaign(o, campaignId); k > 0; k--) {
        const stats = adStats(o, ad);
        yield {
          id: ad,
          companyId: company.id,
          campaignId,
          impressions: { first: impression, count: stats.impressions },
          clicks: { first: click, count: stats.clicks },
        };
        ad++;
        impression += stats.impressions;
        click += stats.clicks;
      }
    }
  }
}

/** A product's price in minor units: what the product row and every order item of it say. */
function productPrice(seed: number, productId: number): number {
  const r = randomFor(seed, STREAM.price, productId);
  return r.int(2, 300) * 100 - r.pick([1, 1, 5, 51, 100]);
}

const STATUS_WEIGHTS: readonly (typeof ORDER_STATUSES)[number][] = [
  'placed',
  'placed',
  'paid',
  'paid',
  'paid',
  'shipped',
  'shipped',
  'shipped',
  'shipped',
  'cancelled',
];

/** An order's customer, status, items (distinct products of its company) and total. */
function orderFacts(o: GenerateOptions, company: CompanyPlan, orderId: number): OrderFacts {
  const r = randomFor(o.seed, STREAM.order, orderId);
  const products = company.products;
  const customerId = company.customers.first + r.int(0, company.customers.count - 1);
  const status = r.pick(STATUS_WEIGHTS);
  const itemCount = r.int(1, Math.min(4, products.count));
  const chosen: number[] = [];
  for (let k = 0; k < itemCount; k++) {
    let index = r.int(0, products.count - 1);
    while (chosen.includes(index)) index = (index + 1) % products.count;
    chosen.push(index);
  }
  chosen.sort((a, b) => a - b);
  let totalCents = 0;
  const items = chosen.map((index) => {
    const productId = products.first + index;
    const quantity = r.pick([1, 1, 1, 2, 2, 3]);
    const unitPriceCents = productPrice(o.seed, productId);
    totalCents += quantity * unitPriceCents;
    return { productId, quantity, unitPriceCents };
  });
  const createdAt = between(r, ACTIVITY_FROM, 364);
  const updatedAt = status === 'placed' ? createdAt : createdAt + r.int(1, 240) * HOUR;
  return { customerId, status, items, totalCents, createdAt, updatedAt };
}

/** Every id of one kind, company by company: the company, the id, and its index within the company. */
function* eachRow(
  o: GenerateOptions,
  kind: 'products' | 'customers' | 'orders' | 'campaigns',
): Generator<{ company: CompanyPlan; id: number; index: number }> {
  for (const company of companyPlans(o)) {
    const { first, count } = company[kind];
    for (let index = 0; index < count; index++) yield { company, id: first + index, index };
  }
}

/** Every impression or click id, ad by ad. */
function* eachAdEvent(
  o: GenerateOptions,
  kind: 'impressions' | 'clicks',
): Generator<{ ad: AdPlan; id: number }> {
  for (const ad of adPlans(o)) {
    const { first, count } = ad[kind];
    for (let id = first; id < first + count; id++) yield { ad, id };
  }
}

function* companies(o: GenerateOptions): Generator<string> {
  for (let id = 1; id <= o.companies; id++) {
    const r = randomFor(o.seed, STREAM.company, id);
    const name = `${r.pick(words.COMPANY_STEMS)} ${r.pick(words.COMPANY_SUFFIXES)}`;
    const created = between(r, COMPANIES_FROM, 180);
    yield csvLine([
      id,
      name,
      `https://images.example.com/companies/${id}.png`,
      timestamp(created),
      timestamp(created + r.int(0, 30) * DAY),
    ]);
  }
}

function* products(o: GenerateOptions): Generator<string> {
  for (const { company, id, index } of eachRow(o, 'products')) {
    const r = randomFor(o.seed, STREAM.product, id);
    const category = r.pick(words.CATEGORIES);
    const name = `${r.pick(words.ADJECTIVES)} ${r.pick(words.MATERIALS)} ${r.pick(category.nouns)}`;
    const created = between(r, CATALOG_FROM, 180);
    yield csvLine([
      company.id,
      id,
      name,
      `${category.prefix}-${String(index + 1).padStart(6, '0')}`,
      productPrice(o.seed, id),
      company.currency,
      r.chance(0.08) ? 0 : r.int(1, 500),
      category.slug,
      timestamptz(created),
      timestamptz(created + r.int(0, 90) * DAY),
    ]);
  }
}

function* customers(o: GenerateOptions): Generator<string> {
  for (const { company, id, index } of eachRow(o, 'customers')) {
    const r = randomFor(o.seed, STREAM.customer, id);
    const given = r.pick(words.FIRST_NAMES);
    const family = r.pick(words.LAST_NAMES);
    // The per-company index makes the address unique within the company.
    const email = `${given}.${family}.${index + 1}@${r.pick(words.EMAIL_DOMAINS)}`.toLowerCase();
    yield csvLine([company.id, id, email, `${given} ${family}`, timestamptz(between(r, CATALOG_FROM, 360))]);
  }
}

function* orders(o: GenerateOptions): Generator<string> {
  for (const { company, id } of eachRow(o, 'orders')) {
    const order = orderFacts(o, company, id);
    yield csvLine([
      company.id,
      id,
      order.customerId,
      order.status,
      order.totalCents,
      company.currency,
      timestamptz(order.createdAt),
      timestamptz(order.updatedAt),
    ]);
  }
}

function* orderItems(o: GenerateOptions): Generator<string> {
  for (const { company, id } of eachRow(o, 'orders')) {
    for (const item of orderFacts(o, company, id).items) {
      yield csvLine([company.id, id, item.productId, item.quantity, item.unitPriceCents]);
    }
  }
}

/** Mostly running or paused, a few of every other state. */
const STATE_WEIGHTS: readonly string[] = [...CAMPAIGN_STATES, 'running', 'running', 'paused'];

function* campaigns(o: GenerateOptions): Generator<string> {
  for (const { company, id } of eachRow(o, 'campaigns')) {
    const r = randomFor(o.seed, STREAM.campaign, id);
    const blacklist = r.chance(0.5)
      ? null
      : `{${words.BLACKLIST_SITES.filter(() => r.chance(0.5)).join(',')}}`;
    const created = between(r, CAMPAIGNS_FROM, 150);
    yield csvLine([
      id,
      company.id,
      `${r.pick(words.CAMPAIGN_THEMES)} ${r.int(2023, 2024)}`,
      r.pick(COST_MODELS),
      r.pick(STATE_WEIGHTS),
      r.int(1, 500) * 100,
      blacklist,
      timestamp(created),
      timestamp(created + r.int(0, 60) * DAY),
    ]);
  }
}

function* ads(o: GenerateOptions): Generator<string> {
  for (const ad of adPlans(o)) {
    const r = randomFor(o.seed, STREAM.ad, ad.id);
    const created = between(r, CAMPAIGNS_FROM + 150 * DAY, 14);
    yield csvLine([
      ad.id,
      ad.companyId,
      ad.campaignId,
      `${r.pick(words.ADJECTIVES)} ${r.pick(words.CAMPAIGN_THEMES)} ad`,
      `https://images.example.com/ads/${ad.id}.png`,
      `https://shop.example.com/${ad.companyId}/campaigns/${ad.campaignId}`,
      ad.impressions.count,
      ad.clicks.count,
      timestamp(created),
      timestamp(created + r.int(0, 30) * DAY),
    ]);
  }
}

/** One impression or click row: when, where, what it cost, and who saw it. */
function adEventLine(r: Random, id: number, ad: AdPlan, cost: string): string {
  const ip = `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  const userData = JSON.stringify({
    is_mobile: r.chance(0.55),
    browser: r.pick(words.BROWSERS),
    location: r.pick(words.LOCATIONS),
  });
  return csvLine([
    id,
    ad.companyId,
    ad.id,
    timestamp(between(r, ACTIVITY_FROM, 364)),
    r.pick(words.SITES),
    cost,
    ip,
    userData,
  ]);
}

function* impressions(o: GenerateOptions): Generator<string> {
  for (const { ad, id } of eachAdEvent(o, 'impressions')) {
    const r = randomFor(o.seed, STREAM.impression, id);
    yield adEventLine(r, id, ad, (r.int(10, 100) / 10_000).toFixed(4));
  }
}

function* clicks(o: GenerateOptions): Generator<string> {
  for (const { ad, id } of eachAdEvent(o, 'clicks')) {
    const r = randomFor(o.seed, STREAM.click, id);
    yield adEventLine(r, id, ad, (r.int(5, 250) / 100).toFixed(2));
  }
}

/** How many rows each table gets: one cheap pass over the plans (no row is built). */
export function plannedRows(o: GenerateOptions): Record<GeneratedTable, number> {
  const rows: Record<GeneratedTable, number> = {
    companies: o.companies,
    campaigns: 0,
    ads: 0,
    impressions: 0,
    clicks: 0,
    products: 0,
    customers: 0,
    orders: 0,
    order_items: 0,
  };
  for (const company of companyPlans(o)) {
    rows.campaigns += company.campaigns.count;
    rows.products += company.products.count;
    rows.customers += company.customers.count;
    rows.orders += company.orders.count;
  }
  for (const { company, id } of eachRow(o, 'orders'))
    rows.order_items += orderFacts(o, company, id).items.length;
  for (const ad of adPlans(o)) {
    rows.ads++;
    rows.impressions += ad.impressions.count;
    rows.clicks += ad.clicks.count;
  }
  return rows;
}

const GENERATORS = {
  companies,
  campaigns,
  ads,
  impressions,
  clicks,
  products,
  customers,
  orders,
  order_items: orderItems,
} satisfies Partial<Record<SeedTable, (o: GenerateOptions) => Generator<string>>>;

export type GeneratedTable = keyof typeof GENERATORS;

/** The generated tables in load order (each after the tables it refers to). */
export const GENERATED_TABLES = Object.keys(GENERATORS) as GeneratedTable[];

/** Lines joined into chunks of about `size` characters: far fewer writes to the socket. */
function* batched(lines: Iterable<string>, size = 256 * 1024): Generator<{ text: string; rows: number }> {
  let parts: string[] = [];
  let length = 0;
  for (const line of lines) {
    parts.push(line);
    length += line.length;
    if (length >= size) {
      yield { text: parts.join(''), rows: parts.length };
      parts = [];
      length = 0;
    }
  }
  if (parts.length > 0) yield { text: parts.join(''), rows: parts.length };
}

/** Every generated table as a load source, in an order that satisfies the foreign keys. */
export function generatedTables(o: GenerateOptions): LoadSource[] {
  const rows = plannedRows(o);
  return GENERATED_TABLES.map((table) => ({
    table,
    columns: SEED_COLUMNS[table],
    rows: rows[table],
    chunks: () => batched(GENERATORS[table](o)),
  }));
}
