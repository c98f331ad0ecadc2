/**
 * The benchmark's scenarios. Each is one kind of request, described three ways over the
 * same generated data: pgbench scripts that send the SQL the handler sends (the ceiling),
 * and a request generator that the in-process and HTTP levels turn into API Gateway
 * events or HTTP requests.
 *
 * The generated shop (lib/jobs/seed/generate.ts, not skewed) gives company c the products
 * (c-1)·P+1 … c·P and the customers (c-1)·C+1 … c·C, so both sides can pick a random
 * product or customer of a random company without asking the database.
 *
 * Requests to merchant routes (list campaigns, an order for a known customer) carry the
 * company's secret key (test/bench/keys.ts); public routes carry none.
 *
 * Stock as a shop has it: every tenth product of each company (local index 10, 20, …) is
 * sold out, the others have plenty (STOCK_SQL). An order asks for products in stock, except
 * the share of orders that `soldOut` names, which ask for one sold-out product too and are
 * refused (409). The flash sale races for a few units of FLASH_SALE's products.
 */
import { randomUUID } from 'node:crypto';
import { Random } from '../../lib/jobs/seed/random';
import { MATERIALS } from '../../lib/jobs/seed/words';
import { merchantHeader } from './keys';

export const SCENARIOS = [
  'get-product',
  'list-products',
  'list-campaigns',
  'place-order',
  'flash-sale',
  'mix',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Every `SOLD_OUT_EVERY`-th product of a company (by its index in the company) has no stock. */
export const SOLD_OUT_EVERY = 10;
/** The stock of every other product: orders never run it out during a run. */
export const PLENTY = 1_000_000;

/** The benchmark shop's stock, for products per company `P`: sold out, or plenty. */
export const stockSql = (productsPerCompany: number) =>
  `UPDATE products SET stock = CASE WHEN (id - (company_id - 1) * ${productsPerCompany}) % ${SOLD_OUT_EVERY} = 0
     THEN 0 ELSE ${PLENTY} END`;

/**
 * The flash sale: half of the orders race for products 1–5 of company 1, one unit each,
 * while the other half, orders of the other companies, go on. The sale products start a
 * level at zero and get one unit every `restockEveryMs`, each in turn (2 units/s): fewer
 * than the buyers ask for at any throughput this machine reaches, so most lose (409).
 */
export const FLASH_SALE = {
  /** The other tenants are companies 2 … N. */
  companyId: 1,
  /** Indexes in the company, so product ids on the generated shop's layout. */
  products: [1, 2, 3, 4, 5],
  share: 0.5,
  restockEveryMs: 500,
} as const;

/** What a run of a scenario varies besides its data. */
export interface Workload {
  /** Share (0–1) of orders that ask for a sold-out product, and are refused; place-order only. */
  soldOut: number;
}

export const NO_SOLD_OUT: Workload = { soldOut: 0 };

/** The name a result is reported under: the scenario, and its sold-out share when it has one. */
export const workloadName = (scenario: string, workload: Workload): string =>
  workload.soldOut > 0 ? `${scenario}, ${Math.round(workload.soldOut * 100)} % sold out` : scenario;

/** Today's order transaction before it became one function call: measured at the ceiling only. */
export const BASELINE_SCENARIO = 'place-order-tx';

export interface Shape {
  companies: number;
  productsPerCompany: number;
  customersPerCompany: number;
}

/** One request of a scenario, as the API sees it. */
export interface BenchRequest {
  /** The route's function name in serverless.yml and the key in lib/http/routes.ts. */
  route: 'getProduct' | 'listProducts' | 'listCampaigns' | 'placeOrder';
  method: 'GET' | 'POST';
  params: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** For orders of the flash sale: a sale product, or another tenant's order. */
  group?: 'sale' | 'others';
}

/** The product-name searches of list-products (name ILIKE '%word%'). */
export const SEARCH_WORDS = MATERIALS.slice(0, 4).map((m) => m.toLowerCase());

/** Order lines of 2–5 items: the pgbench side has one script per size. */
const ITEM_COUNTS = [2, 3, 4, 5] as const;

/** The secret key of company c is keys[c - 1]. */
type Generator = (shape: Shape, random: Random, keys: readonly string[], workload: Workload) => BenchRequest;

function getProduct(shape: Shape, random: Random): BenchRequest {
  const c = random.int(1, shape.companies);
  const p = (c - 1) * shape.productsPerCompany + random.int(1, shape.productsPerCompany);
  return { route: 'getProduct', method: 'GET', params: { companyId: String(c), productId: String(p) } };
}

function listProducts(shape: Shape, random: Random): BenchRequest {
  const c = random.int(1, shape.companies);
  const q = random.pick(SEARCH_WORDS);
  return {
    route: 'listProducts',
    method: 'GET',
    params: { companyId: String(c) },
    query: { limit: '20', q },
  };
}

function listCampaigns(shape: Shape, random: Random, keys: readonly string[]): BenchRequest {
  const c = random.int(1, shape.companies);
  return {
    route: 'listCampaigns',
    method: 'GET',
    params: { companyId: String(c) },
    headers: merchantHeader(keys, c),
  };
}

const isSoldOut = (index: number) => index % SOLD_OUT_EVERY === 0;

/** An order of company `c`: `count` distinct products in stock, and a sold-out one when `soldOut`. */
function order(
  shape: Shape,
  random: Random,
  keys: readonly string[],
  c: number,
  count: number,
  soldOut: boolean,
): BenchRequest {
  const first = (c - 1) * shape.productsPerCompany;
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, shape.productsPerCompany - 1)) {
    const index = random.int(1, shape.productsPerCompany);
    if (!isSoldOut(index)) chosen.add(first + index);
  }
  if (soldOut) {
    chosen.add(first + SOLD_OUT_EVERY * random.int(1, Math.floor(shape.productsPerCompany / SOLD_OUT_EVERY)));
  }
  const customer = (c - 1) * shape.customersPerCompany + random.int(1, shape.customersPerCompany);
  return {
    route: 'placeOrder',
    method: 'POST',
    params: { companyId: String(c) },
    headers: {
      ...merchantHeader(keys, c),
      'idempotency-key': `bench-${randomUUID()}`,
      'content-type': 'application/json',
    },
    body: { customer: { id: customer }, items: [...chosen].map((productId) => ({ productId, quantity: 1 })) },
  };
}

function placeOrder(shape: Shape, random: Random, keys: readonly string[], workload: Workload): BenchRequest {
  const soldOut = random.chance(workload.soldOut);
  const count = random.pick(ITEM_COUNTS);
  return order(shape, random, keys, random.int(1, shape.companies), soldOut ? count - 1 : count, soldOut);
}

function flashSale(shape: Shape, random: Random, keys: readonly string[]): BenchRequest {
  if (random.chance(FLASH_SALE.share)) {
    const c = FLASH_SALE.companyId;
    const productId = (c - 1) * shape.productsPerCompany + random.pick(FLASH_SALE.products);
    const sale = order(shape, random, keys, c, 0, false);
    return {
      ...sale,
      body: { ...(sale.body as object), items: [{ productId, quantity: 1 }] },
      group: 'sale',
    };
  }
  const c = random.int(2, shape.companies);
  return { ...order(shape, random, keys, c, random.pick(ITEM_COUNTS), false), group: 'others' };
}

/** 80 % reads, 20 % orders. */
function mix(shape: Shape, random: Random, keys: readonly string[], workload: Workload): BenchRequest {
  const r = random.next();
  if (r < 0.5) return getProduct(shape, random);
  if (r < 0.7) return listProducts(shape, random);
  if (r < 0.8) return listCampaigns(shape, random, keys);
  return placeOrder(shape, random, keys, workload);
}

const GENERATORS: Record<ScenarioName, Generator> = {
  'get-product': getProduct,
  'list-products': listProducts,
  'list-campaigns': listCampaigns,
  'place-order': placeOrder,
  'flash-sale': flashSale,
  mix,
};

/** The request generator of a scenario for one client; `keys[c - 1]` is company c's secret key. */
export function requests(
  name: ScenarioName,
  shape: Shape,
  keys: readonly string[],
  seed: number,
  workload: Workload = NO_SOLD_OUT,
): () => BenchRequest {
  const random = new Random(seed);
  return () => GENERATORS[name](shape, random, keys, workload);
}

/** Statuses a scenario may answer without counting as an error: 409 only where orders run out of stock. */
export function expectedStatuses(name: ScenarioName): Set<number> {
  return name === 'place-order' || name === 'flash-sale' || name === 'mix'
    ? new Set([200, 201, 409])
    : new Set([200]);
}

/** A path with its parameters filled in, and its query string. */
export function pathOf(request: BenchRequest, template: string): string {
  const path = template.replace(/\{(\w+)\}/g, (_, key: string) => request.params[key] ?? '');
  return request.query ? `${path}?${new URLSearchParams(request.query).toString()}` : path;
}

// ---------------------------------------------------------------------------------------
// pgbench scripts: the statements lib/shop/*.ts sends for each request, with pgbench's
// variables where the handler binds parameters (pgbench -M extended binds them the same
// way). Random choices: :companies, :products and :customers come from -D.

const company = '\\set c random(1, :companies)';
const GET_PRODUCT = `${company}
\\set p (:c - 1) * :products + random(1, :products)
SELECT company_id, id, name, sku, price_cents, stock, created_at, updated_at FROM products WHERE company_id = :c AND id = :p;
`;

const listProductsScript = (word: string) => `${company}
SELECT company_id, id, name, sku, price_cents, stock, created_at, updated_at FROM products
      WHERE company_id = :c AND id > 0 AND ('%${word}%'::text IS NULL OR name ILIKE '%${word}%')
      ORDER BY id LIMIT 21;
`;

const LIST_CAMPAIGNS = `${company}
SELECT id, company_id, name, cost_model, state, monthly_budget, blacklisted_site_urls,
            coalesce(monthly_budget, -1) AS budget_key
       FROM campaigns
      WHERE company_id = :c AND (NULL::text IS NULL OR state = NULL)
        AND (NULL::bigint IS NULL OR (coalesce(monthly_budget, -1), -id) < (NULL, -NULL::bigint))
      ORDER BY coalesce(monthly_budget, -1) DESC, id
      LIMIT 11;
`;

/**
 * Distinct products :p1 … :pN in stock of company :c (indexes 10q+1 … 10q+9: never a
 * multiple of SOLD_OUT_EVERY), a sold-out one :s, and a customer :u of the company.
 */
const orderVariables = (items: number, companyLine = company) =>
  [
    companyLine,
    `\\set q random(0, :products / ${SOLD_OUT_EVERY} - 1)`,
    `\\set r random(0, ${SOLD_OUT_EVERY - 2})`,
    `\\set s (:c - 1) * :products + ${SOLD_OUT_EVERY} * random(1, :products / ${SOLD_OUT_EVERY})`,
    '\\set u (:c - 1) * :customers + random(1, :customers)',
    '\\set k random(1, 1000000000000)',
    ...Array.from(
      { length: items },
      (_, i) =>
        `\\set p${i + 1} (:c - 1) * :products + ${SOLD_OUT_EVERY} * :q + 1 + (:r + ${i}) % ${SOLD_OUT_EVERY - 1}`,
    ),
  ].join('\n');

/** The order's product array: :p1 … :pN, and :s (sold out) when `soldOut`. */
const productArray = (items: number, soldOut = false) =>
  `ARRAY[${[...Array.from({ length: items }, (_, i) => `:p${i + 1}`), ...(soldOut ? [':s'] : [])].join(', ')}]::bigint[]`;

/** The delegated call, as lib/shop/orders.ts sends it after drawing the order's id on the coordinator. */
const placeOrderCall = (
  products: string,
  items: number,
) => `SELECT nextval('orders_id_seq') AS order_id, CASE WHEN false THEN nextval('customers_id_seq') END AS customer_id \\gset
SELECT distribushop_place_order(:c, 'pgbench-' || :k, 'bench', 24, :order_id, :u, NULL, NULL, NULL, ${products}, ARRAY[${Array(items).fill(1).join(', ')}]::integer[]) AS placed;
`;

/** The delegated order: the ids from the coordinator, then the one call (lib/shop/orders.ts). */
const placeOrderScript = (items: number) => `${orderVariables(items)}
${placeOrderCall(productArray(items), items)}`;

/** An order of `items` products whose last one is sold out: refused. */
const soldOutOrderScript = (items: number) => `${orderVariables(items - 1)}
${placeOrderCall(productArray(items - 1, true), items)}`;

/** A flash-sale order: one unit of one of the sale products. */
const saleOrderScript = `${orderVariables(0, `\\set c ${FLASH_SALE.companyId}`)}
\\set p1 (:c - 1) * :products + random(${FLASH_SALE.products[0]}, ${FLASH_SALE.products[FLASH_SALE.products.length - 1]})
${placeOrderCall(productArray(1), 1)}`;

/** Another tenant's order during the flash sale. */
const otherTenantOrderScript = (items: number) => `${orderVariables(items, '\\set c random(2, :companies)')}
${placeOrderCall(productArray(items), items)}`;

/** Today's order before this change: one statement per step, in one transaction. */
const placeOrderTransactionScript = (items: number) => `${orderVariables(items)}
BEGIN;
SELECT 1 FROM companies WHERE id = :c;
INSERT INTO idempotency_keys (company_id, key, request_hash, status_code, response, expires_at)
       VALUES (:c, 'pgbench-tx-' || :k, 'bench', 202, '{}', now() + make_interval(hours => 24))
       ON CONFLICT (company_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, status_code = 202, response = '{}', order_id = NULL,
              created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= EXCLUDED.created_at;
SELECT 1 FROM customers WHERE company_id = :c AND id = :u;
${Array.from(
  { length: items },
  (_, i) => `UPDATE products SET stock = stock - 1, updated_at = now()
        WHERE company_id = :c AND id = :p${i + 1} AND stock >= 1
        RETURNING price_cents;`,
).join('\n')}
INSERT INTO orders (company_id, customer_id, total_cents) VALUES (:c, :u, 1000) RETURNING id AS order_id, company_id, customer_id, status, total_cents, currency, created_at \\gset
INSERT INTO order_items (company_id, order_id, product_id, quantity, unit_price_cents)
       VALUES ${Array.from({ length: items }, (_, i) => `(:c, :order_id, :p${i + 1}, 1, 500)`).join(', ')};
UPDATE idempotency_keys SET order_id = :order_id, status_code = 201, response = '{"id":' || :order_id || '}'
        WHERE company_id = :c AND key = 'pgbench-tx-' || :k;
COMMIT;
`;

export interface PgbenchScript {
  name: string;
  weight: number;
  text: string;
  /**
   * What its transactions are reported as, beside the whole: the answer the API would
   * give ('201', '409'), or the flash sale's group, whose outcome pgbench cannot see.
   */
  label?: string;
}

const each = (
  weight: number,
  make: (items: number) => string,
  prefix: string,
  label?: string,
): PgbenchScript[] =>
  ITEM_COUNTS.map((items) => ({ name: `${prefix}-${items}`, weight, text: make(items), label }));

/** The pgbench scripts of a scenario (or of the baseline), with their weights. */
export function pgbenchScripts(
  name: ScenarioName | typeof BASELINE_SCENARIO,
  workload: Workload = NO_SOLD_OUT,
): PgbenchScript[] {
  const listProducts = SEARCH_WORDS.map((word) => ({
    name: `list-products-${word}`,
    weight: 1,
    text: listProductsScript(word),
  }));
  switch (name) {
    case 'get-product':
      return [{ name, weight: 1, text: GET_PRODUCT }];
    case 'list-products':
      return listProducts;
    case 'list-campaigns':
      return [{ name, weight: 1, text: LIST_CAMPAIGNS }];
    case 'place-order': {
      // Weights in thousandths: pgbench takes whole numbers.
      const refused = Math.round(workload.soldOut * 1000);
      return [
        ...(refused < 1000 ? each(1000 - refused, placeOrderScript, name, '201') : []),
        ...(refused > 0 ? each(refused, soldOutOrderScript, `${name}-sold-out`, '409') : []),
      ];
    }
    case 'flash-sale': {
      const sale = Math.round(FLASH_SALE.share * 1000);
      return [
        { name: 'flash-sale-buy', weight: sale * ITEM_COUNTS.length, text: saleOrderScript, label: 'sale' },
        ...each(1000 - sale, otherTenantOrderScript, 'flash-sale-others', 'others 201'),
      ];
    }
    case BASELINE_SCENARIO:
      return each(1, placeOrderTransactionScript, name);
    case 'mix':
      // 50 % get product, 20 % list products, 10 % list campaigns, 20 % orders.
      return [
        { name: 'get-product', weight: 50, text: GET_PRODUCT },
        ...listProducts.map((s) => ({ ...s, weight: 5 })),
        { name: 'list-campaigns', weight: 10, text: LIST_CAMPAIGNS },
        ...each(5, placeOrderScript, 'place-order'),
      ];
  }
}
