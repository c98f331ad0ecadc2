/**
 * Orders. Placing one is a single transaction on the tenant's shard group: claim the
 * Idempotency-Key, find or create the customer, decrement stock with a conditional
 * update in product-id order (no oversell, no deadlock), price the items from the
 * database, insert the order and its items, and store the response under the key.
 *
 * An Idempotency-Key is remembered for IDEMPOTENCY_TTL_HOURS (24 by default): within that
 * time the same key and body replay the stored order and another body is refused; after
 * it, the key is free and the same key is a new request (Stripe's rule).
 */
import { createHash } from 'node:crypto';
import { config } from '../config';
import { type Db, db, placeholders, type Queryable } from '../db';
import {
  ConflictError,
  IdempotencyKeyReuseError,
  InsufficientStockError,
  NotFoundError,
  type ShortProduct,
} from '../errors';
import { assertCompany } from './companies';
import { cursorKeys, decodeCursor, toPage } from './cursor';
import type { Order, OrderIn, Page, PageOptions } from './types';

export type PlaceOrderResult =
  /** A new order. */
  | { created: true; order: Order }
  /** The same key and body were seen before: the stored response, the exact JSON text sent then. */
  | { created: false; storedJson: string };

export interface PlaceOrderOptions {
  /** How long the key is remembered; default IDEMPOTENCY_TTL_HOURS. */
  keyTtlHours?: number;
}

interface OrderRow {
  id: number;
  company_id: number;
  customer_id: number;
  status: Order['status'];
  total_cents: number;
  currency: string;
  created_at: Date;
}

interface ItemRow {
  order_id: number;
  product_id: number;
  quantity: number;
  unit_price_cents: number;
}

/** products.stock is an integer column. */
const STOCK_COLUMN_MAX = 2_147_483_647;

const ORDER_COLUMNS = 'id, company_id, customer_id, status, total_cents, currency, created_at';

const toOrder = (r: OrderRow, items: ItemRow[]): Order => ({
  id: r.id,
  companyId: r.company_id,
  customerId: r.customer_id,
  status: r.status,
  totalCents: r.total_cents,
  currency: r.currency,
  items: items.map((i) => ({
    productId: i.product_id,
    quantity: i.quantity,
    unitPriceCents: i.unit_price_cents,
  })),
  createdAt: r.created_at.toISOString(),
});

/** Merges duplicate product lines and orders them by product id: the order stock is locked in. */
export function normalizeItems(items: OrderIn['items']): { productId: number; quantity: number }[] {
  const merged = new Map<number, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  return [...merged.entries()]
    .sort(([a], [b]) => a - b)
    .map(([productId, quantity]) => ({ productId, quantity }));
}

/** The request's fingerprint: the same order asked twice has the same hash, whatever the item order. */
export function requestHash(input: OrderIn): string {
  const customer = 'id' in input.customer ? { id: input.customer.id } : input.customer;
  const canonical = JSON.stringify({ customer, items: normalizeItems(input.items) });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Throws NotFoundError unless the customer belongs to the company. */
async function assertCustomer(database: Queryable, companyId: number, customerId: number): Promise<void> {
  const { rowCount } = await database.query('SELECT 1 FROM customers WHERE company_id = $1 AND id = $2', [
    companyId,
    customerId,
  ]);
  if (!rowCount) throw new NotFoundError(`Customer ${customerId} does not exist in company ${companyId}`);
}

async function resolveCustomer(
  tx: Queryable,
  companyId: number,
  customer: OrderIn['customer'],
): Promise<number> {
  if ('id' in customer) {
    await assertCustomer(tx, companyId, customer.id);
    return customer.id;
  }
  // A known email is the same customer; the stored name is kept.
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO customers (company_id, email, name) VALUES ($1, $2, $3)
     ON CONFLICT (company_id, email) DO UPDATE SET email = EXCLUDED.email
     RETURNING id`,
    [companyId, customer.email, customer.name],
  );
  return (rows[0] as { id: number }).id;
}

async function takeStock(
  tx: Queryable,
  companyId: number,
  items: { productId: number; quantity: number }[],
): Promise<Map<number, number>> {
  const prices = new Map<number, number>();
  const short: ShortProduct[] = [];
  const missing: number[] = [];
  for (const item of items) {
    const { rows } = await tx.query<{ price_cents: number }>(
      `UPDATE products SET stock = stock - $3, updated_at = now()
        WHERE company_id = $1 AND id = $2 AND stock >= $3
        RETURNING price_cents`,
      [companyId, item.productId, item.quantity],
    );
    if (rows[0]) {
      prices.set(item.productId, rows[0].price_cents);
      continue;
    }
    const current = await tx.query<{ stock: number }>(
      'SELECT stock FROM products WHERE company_id = $1 AND id = $2',
      [companyId, item.productId],
    );
    if (current.rows[0]) {
      short.push({ productId: item.productId, requested: item.quantity, available: current.rows[0].stock });
    } else missing.push(item.productId);
  }
  if (missing.length > 0) {
    throw new NotFoundError(
      `Product${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist in company ${companyId}`,
    );
  }
  if (short.length > 0) throw new InsufficientStockError(short);
  return prices;
}

interface StoredKey {
  request_hash: string;
  response: string;
}

/** Places an order, or returns the stored one for a retry with the same key and body. */
export async function placeOrder(
  companyId: number,
  key: string,
  input: OrderIn,
  database: Db = db(),
  options: PlaceOrderOptions = {},
): Promise<PlaceOrderResult> {
  const hash = requestHash(input);
  const items = normalizeItems(input.items);
  const ttlHours = options.keyTtlHours ?? config().IDEMPOTENCY_TTL_HOURS;
  return database.withTransaction(async (tx): Promise<PlaceOrderResult> => {
    await assertCompany(companyId, tx);
    // Claim the key, or take over one that has expired. A concurrent request with the
    // same key waits here until the first commits, then finds the key taken and replays
    // the stored order. ON CONFLICT DO UPDATE locks the existing row even when its WHERE
    // is false, so the row read below cannot be purged in between. (EXCLUDED.created_at is
    // this request's now(): Citus evaluates no function in the DO UPDATE clause.)
    const claim = await tx.query(
      `INSERT INTO idempotency_keys (company_id, key, request_hash, status_code, response, expires_at)
       VALUES ($1, $2, $3, 202, '{}', now() + make_interval(hours => $4))
       ON CONFLICT (company_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, status_code = 202, response = '{}', order_id = NULL,
              created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= EXCLUDED.created_at`,
      [companyId, key, hash, ttlHours],
    );
    if (claim.rowCount === 0) {
      const { rows } = await tx.query<StoredKey>(
        'SELECT request_hash, response FROM idempotency_keys WHERE company_id = $1 AND key = $2',
        [companyId, key],
      );
      const stored = rows[0] as StoredKey;
      if (stored.request_hash !== hash) {
        throw new IdempotencyKeyReuseError(
          `Idempotency-Key ${key} was already used for a different order; use a new key for a new order`,
        );
      }
      return { created: false, storedJson: stored.response };
    }
    const customerId = await resolveCustomer(tx, companyId, input.customer);
    const prices = await takeStock(tx, companyId, items);
    const priced = items.map((i) => ({ ...i, unitPriceCents: prices.get(i.productId) as number }));
    const total = priced.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0);
    const inserted = await tx.query<OrderRow>(
      `INSERT INTO orders (company_id, customer_id, total_cents) VALUES ($1, $2, $3) RETURNING ${ORDER_COLUMNS}`,
      [companyId, customerId, total],
    );
    const orderRow = inserted.rows[0] as OrderRow;
    const itemRows: ItemRow[] = priced.map((i) => ({
      order_id: orderRow.id,
      product_id: i.productId,
      quantity: i.quantity,
      unit_price_cents: i.unitPriceCents,
    }));
    await tx.query(
      `INSERT INTO order_items (company_id, order_id, product_id, quantity, unit_price_cents)
       VALUES ${placeholders(itemRows.length, 2, 3)}`,
      [companyId, orderRow.id, ...itemRows.flatMap((i) => [i.product_id, i.quantity, i.unit_price_cents])],
    );
    const order = toOrder(orderRow, itemRows);
    // The text the API sends: a replay returns these bytes.
    await tx.query(
      `UPDATE idempotency_keys SET order_id = $3, status_code = 201, response = $4
        WHERE company_id = $1 AND key = $2`,
      [companyId, key, order.id, JSON.stringify(order)],
    );
    return { created: true, order };
  });
}

async function loadItems(
  db: Queryable,
  companyId: number,
  orderIds: number[],
): Promise<Map<number, ItemRow[]>> {
  const byOrder = new Map<number, ItemRow[]>();
  if (orderIds.length === 0) return byOrder;
  const { rows } = await db.query<ItemRow>(
    `SELECT order_id, product_id, quantity, unit_price_cents FROM order_items
      WHERE company_id = $1 AND order_id = ANY($2::bigint[]) ORDER BY order_id, product_id`,
    [companyId, orderIds],
  );
  for (const row of rows) byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), row]);
  return byOrder;
}

export async function getOrder(
  companyId: number,
  orderId: number,
  database: Queryable = db(),
): Promise<Order> {
  const { rows } = await database.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE company_id = $1 AND id = $2`,
    [companyId, orderId],
  );
  if (!rows[0]) throw new NotFoundError(`Order ${orderId} does not exist in company ${companyId}`);
  const items = await loadItems(database, companyId, [orderId]);
  return toOrder(rows[0], items.get(orderId) ?? []);
}

/** Cancels a placed or paid order and puts its items back in stock. Cancelling again changes nothing. */
export async function cancelOrder(companyId: number, orderId: number, database: Db = db()): Promise<Order> {
  return database.withTransaction(async (tx) => {
    const { rows } = await tx.query<{ status: Order['status'] }>(
      'SELECT status FROM orders WHERE company_id = $1 AND id = $2 FOR UPDATE',
      [companyId, orderId],
    );
    const status = rows[0]?.status;
    if (!status) throw new NotFoundError(`Order ${orderId} does not exist in company ${companyId}`);
    if (status === 'shipped')
      throw new ConflictError(`Order ${orderId} has shipped and can no longer be cancelled`);
    if (status !== 'cancelled') {
      const items = await tx.query<{ product_id: number; quantity: number }>(
        'SELECT product_id, quantity FROM order_items WHERE company_id = $1 AND order_id = $2 ORDER BY product_id',
        [companyId, orderId],
      );
      // Restock in product-id order, the order placing takes its locks in.
      for (const item of items.rows) {
        const restocked = await tx.query(
          `UPDATE products SET stock = stock + $3, updated_at = now()
            WHERE company_id = $1 AND id = $2 AND stock <= $4::integer - $3::integer`,
          [companyId, item.product_id, item.quantity, STOCK_COLUMN_MAX],
        );
        // Stock set back up by hand since the order took it can leave no room to restock.
        if (restocked.rowCount === 0) {
          throw new ConflictError(
            `Cancelling order ${orderId} would take product ${item.product_id} over the most stock a product can hold (${STOCK_COLUMN_MAX})`,
          );
        }
      }
      await tx.query(
        "UPDATE orders SET status = 'cancelled', updated_at = now() WHERE company_id = $1 AND id = $2",
        [companyId, orderId],
      );
    }
    return getOrder(companyId, orderId, tx);
  });
}

/** A customer's orders, newest first. */
export async function listCustomerOrders(
  companyId: number,
  customerId: number,
  opts: PageOptions,
  database: Queryable = db(),
): Promise<Page<Order>> {
  const before = decodeCursor(opts.cursor, cursorKeys.customerOrders)?.[0] ?? null;
  const { rows } = await database.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders
      WHERE company_id = $1 AND customer_id = $2 AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [companyId, customerId, before, opts.limit + 1],
  );
  if (rows.length === 0 && before === null) await assertCustomer(database, companyId, customerId);
  const pageRows = rows.slice(0, opts.limit);
  const items = await loadItems(
    database,
    companyId,
    pageRows.map((r) => r.id),
  );
  return toPage(
    rows,
    opts.limit,
    (r) => toOrder(r, items.get(r.id) ?? []),
    (r) => [r.id],
  );
}
