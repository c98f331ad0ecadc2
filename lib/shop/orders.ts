/**
 * Orders. Placing one is one call of `distribushop_place_order` (sql/005_order_functions.sql,
 * redefined by sql/008_order_outcomes.sql): a function that claims the Idempotency-Key,
 * checks and locks the stock in product-id order (no oversell, no deadlock), finds or
 * creates the customer, takes the stock, prices the items from the database, inserts the
 * order and its items and stores the response under the key, all in one transaction on the
 * tenant's shard group. A refusal (not found, short stock, key reused) is its result, not
 * an error: see PlaceOrderOutcome. On Citus it is
 * distributed on its company argument, so the coordinator delegates the whole call to the
 * worker that holds the tenant: one round trip instead of one per statement. Delegation
 * happens only for a plain `SELECT fn(...)` with constant or bound arguments outside an
 * explicit transaction block, which is how it is called here. Cancelling is the same.
 *
 * The new order's id (and a new customer's) comes from the coordinator's sequences in a
 * statement the coordinator answers by itself, before the call: ids drawn on a worker come
 * from Citus's per-node ranges (the node's group id << 48), which pass 2^53, where a JSON
 * number stops being exact, once a cluster has had 32 groups, and which are not in time
 * order across a shard move. Coordinator ids stay small and ordered whatever the cluster.
 *
 * An Idempotency-Key is remembered for IDEMPOTENCY_TTL_HOURS (24 by default): within that
 * time the same key and body replay the stored order and another body is refused; after
 * it, the key is free and the same key is a new request (Stripe's rule).
 */
import { createHash } from 'node:crypto';
import { config } from '../config';
import { db, type Queryable, REPEATABLE } from '../db';
import {
  ConflictError,
  IdempotencyKeyReuseError,
  InsufficientStockError,
  NotFoundError,
  type ShortProduct,
} from '../errors';
import { cursorKeys, decodeCursor, toPage } from './cursor';
import type { Order, OrderIn, Page, PageOptions } from './types';

export interface PlaceOrderResult {
  /** True for a new order; false when the same key and body were seen before (a replay). */
  created: boolean;
  /** The order as the API's JSON text: sent as it is, so a replay is the same bytes. */
  json: string;
}

export interface PlaceOrderOptions {
  /** How long the key is remembered; default IDEMPOTENCY_TTL_HOURS. */
  keyTtlHours?: number;
}

/**
 * An order as the API's JSON, read back with the SQL bundle's own text builders
 * (`distribushop_order_text` and `distribushop_order_item_text`, sql/005_order_functions.sql):
 * the order that placing stores and replays, the one cancelling returns and the one these
 * reads return are written by the same SQL, so their keys, order and formats cannot differ.
 * Both tables are filtered on the tenant, so Citus sends the statement to one shard group.
 */
const ORDER_TEXT = `SELECT o.id, distribushop_order_text(
           o.id, o.company_id, o.customer_id, o.status, o.total_cents, o.currency::text,
           coalesce(string_agg(distribushop_order_item_text(i.product_id, i.quantity, i.unit_price_cents),
                               ',' ORDER BY i.product_id), ''),
           o.created_at) AS json
    FROM orders o
    LEFT JOIN order_items i ON i.company_id = $1 AND i.company_id = o.company_id AND i.order_id = o.id`;

const ORDER_BY_ID = `${ORDER_TEXT}
   WHERE o.company_id = $1 AND o.id = $2
   GROUP BY o.company_id, o.id`;

const CUSTOMER_ORDERS = `${ORDER_TEXT}
   WHERE o.company_id = $1 AND o.customer_id = $2 AND ($3::bigint IS NULL OR o.id < $3)
   GROUP BY o.company_id, o.id ORDER BY o.id DESC LIMIT $4`;

interface OrderText {
  id: number;
  json: string;
}

const toOrder = (row: OrderText): Order => JSON.parse(row.json) as Order;

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
  const { rowCount } = await database.query(
    'SELECT 1 FROM customers WHERE company_id = $1 AND id = $2',
    [companyId, customerId],
    REPEATABLE,
  );
  if (!rowCount) throw new NotFoundError(`Customer ${customerId} does not exist in company ${companyId}`);
}

/**
 * What an order function returns (sql/008_order_outcomes.sql): every business outcome is a
 * result, never an error, because an error raised in a call that Citus delegated makes the
 * coordinator drop its connection to the worker, and the next call pays a new one.
 */
export type PlaceOrderOutcome =
  | { status: 'placed' | 'replayed'; response: string }
  | { status: 'not_found' | 'key_reused'; detail: string }
  | { status: 'insufficient_stock'; products: ShortProduct[] };

export type CancelOrderOutcome =
  | { status: 'cancelled'; order: Order }
  | { status: 'not_found' | 'not_cancellable'; detail: string };

/** The API's error for each refusal the order functions return. */
const REFUSALS = {
  not_found: (detail: string) => new NotFoundError(detail),
  key_reused: (detail: string) => new IdempotencyKeyReuseError(detail),
  not_cancellable: (detail: string) => new ConflictError(detail),
} as const;

export type OrderOutcomeStatus = PlaceOrderOutcome['status'] | CancelOrderOutcome['status'];

/** Every status the order functions return; a unit test holds the SQL bundle to this list. */
export const ORDER_OUTCOME_STATUSES: readonly OrderOutcomeStatus[] = [
  'placed',
  'replayed',
  'not_found',
  'key_reused',
  'insufficient_stock',
  'cancelled',
  'not_cancellable',
];

/** An outcome of placing, as the API's result or error. */
export function placedOrder(outcome: PlaceOrderOutcome): PlaceOrderResult {
  switch (outcome.status) {
    case 'placed':
      return { created: true, json: outcome.response };
    case 'replayed':
      return { created: false, json: outcome.response };
    case 'insufficient_stock':
      throw new InsufficientStockError(outcome.products);
    default:
      throw REFUSALS[outcome.status](outcome.detail);
  }
}

/** An outcome of cancelling, as the API's result or error. */
export function cancelledOrder(outcome: CancelOrderOutcome): Order {
  if (outcome.status === 'cancelled') return outcome.order;
  throw REFUSALS[outcome.status](outcome.detail);
}

/**
 * The statement that places an order: a plain SELECT of the distributed function with
 * bound arguments, which Citus delegates to the tenant's worker (see the module comment).
 */
export const PLACE_ORDER_CALL =
  'SELECT distribushop_place_order($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS placed';

/** The statement that cancels an order, delegated like PLACE_ORDER_CALL. */
export const CANCEL_ORDER_CALL = 'SELECT distribushop_cancel_order($1, $2) AS cancelled';

/** Draws the new order's id, and a new customer's when the order names one by email, on the coordinator. */
export const NEW_ORDER_IDS =
  "SELECT nextval('orders_id_seq') AS order_id, CASE WHEN $1::boolean THEN nextval('customers_id_seq') END AS customer_id";

/** Places an order, or returns the stored one for a retry with the same key and body. */
export async function placeOrder(
  companyId: number,
  key: string,
  input: OrderIn,
  database: Queryable = db(),
  options: PlaceOrderOptions = {},
): Promise<PlaceOrderResult> {
  const hash = requestHash(input);
  const items = normalizeItems(input.items);
  const ttlHours = options.keyTtlHours ?? config().IDEMPOTENCY_TTL_HOURS;
  const byId = 'id' in input.customer;
  const ids = await database.query<{ order_id: number; customer_id: number | null }>(
    NEW_ORDER_IDS,
    [!byId],
    REPEATABLE,
  );
  const { order_id: orderId, customer_id: newCustomerId } = ids.rows[0] as {
    order_id: number;
    customer_id: number | null;
  };
  const customer = input.customer;
  const { rows } = await database.query<{ placed: PlaceOrderOutcome }>(
    PLACE_ORDER_CALL,
    [
      companyId,
      key,
      hash,
      ttlHours,
      orderId,
      'id' in customer ? customer.id : null,
      newCustomerId,
      'email' in customer ? customer.email : null,
      'name' in customer ? customer.name : null,
      items.map((i) => i.productId),
      items.map((i) => i.quantity),
    ],
    REPEATABLE,
  );
  const outcome = (rows[0] as { placed: PlaceOrderOutcome }).placed;
  // A call sent again after its first run was cut off (a node changing hands) finds that
  // run's order under the key: the id drawn above says it is this request's own, created.
  if (outcome.status === 'replayed' && (JSON.parse(outcome.response) as Order).id === orderId)
    return { created: true, json: outcome.response };
  return placedOrder(outcome);
}

export async function getOrder(
  companyId: number,
  orderId: number,
  database: Queryable = db(),
): Promise<Order> {
  const { rows } = await database.query<OrderText>(ORDER_BY_ID, [companyId, orderId], REPEATABLE);
  if (!rows[0]) throw new NotFoundError(`Order ${orderId} does not exist in company ${companyId}`);
  return toOrder(rows[0]);
}

/**
 * Cancels a placed or paid order and puts its items back in stock. Cancelling again
 * changes nothing; a shipped order is a conflict. One delegated call, like placing.
 */
export async function cancelOrder(
  companyId: number,
  orderId: number,
  database: Queryable = db(),
): Promise<Order> {
  const { rows } = await database.query<{ cancelled: CancelOrderOutcome }>(
    CANCEL_ORDER_CALL,
    [companyId, orderId],
    REPEATABLE,
  );
  return cancelledOrder((rows[0] as { cancelled: CancelOrderOutcome }).cancelled);
}

/** A customer's orders, newest first. */
export async function listCustomerOrders(
  companyId: number,
  customerId: number,
  opts: PageOptions,
  database: Queryable = db(),
): Promise<Page<Order>> {
  const before = decodeCursor(opts.cursor, cursorKeys.customerOrders)?.[0] ?? null;
  const { rows } = await database.query<OrderText>(
    CUSTOMER_ORDERS,
    [companyId, customerId, before, opts.limit + 1],
    REPEATABLE,
  );
  if (rows.length === 0 && before === null) await assertCustomer(database, companyId, customerId);
  return toPage(rows, opts.limit, toOrder, (r) => [r.id]);
}
