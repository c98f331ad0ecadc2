/**
 * The books of one tenant, checked from the database's own rows: what the reliability
 * tests assert after every fault. Each check returns the violations it finds as lines a
 * failing test prints, so an empty list is the pass.
 */
import { createHash } from 'node:crypto';
import { db, type Queryable } from '../../lib/db';
import { DISTRIBUTED_TABLES, REFERENCE_TABLES } from '../../lib/db/catalog';

/** Stock of each of a company's products, by id. */
export async function stockOf(companyId: number, database: Queryable = db()): Promise<Map<number, number>> {
  const { rows } = await database.query<{ id: number; stock: number }>(
    'SELECT id, stock FROM products WHERE company_id = $1',
    [companyId],
  );
  return new Map(rows.map((r) => [r.id, r.stock]));
}

/**
 * Every way an order can be half written: an order without items, a total that is not
 * the sum of its items, an Idempotency-Key claimed without its order, stock taken that
 * no order holds (or an order that took none), and stock below zero.
 */
export async function ledgerViolations(
  companyId: number,
  initialStock: Map<number, number>,
  database: Queryable = db(),
): Promise<string[]> {
  const violations: string[] = [];
  const orders = await database.query<{ id: number; total_cents: number; items: number; sum: number | null }>(
    `SELECT o.id, o.total_cents, count(i.product_id)::int AS items, sum(i.quantity * i.unit_price_cents) AS sum
       FROM orders o LEFT JOIN order_items i ON i.company_id = o.company_id AND i.order_id = o.id
      WHERE o.company_id = $1
      GROUP BY o.id, o.total_cents`,
    [companyId],
  );
  for (const order of orders.rows) {
    if (order.items === 0) violations.push(`order ${order.id} has no items`);
    else if (Number(order.sum) !== order.total_cents)
      violations.push(
        `order ${order.id} total ${order.total_cents} is not the sum of its items (${order.sum})`,
      );
  }
  const keys = await database.query<{ key: string; order_id: number | null; status_code: number }>(
    'SELECT key, order_id, status_code FROM idempotency_keys WHERE company_id = $1',
    [companyId],
  );
  const orderIds = new Set(orders.rows.map((o) => o.id));
  for (const key of keys.rows) {
    if (key.order_id === null || key.status_code !== 201 || !orderIds.has(key.order_id)) {
      violations.push(
        `key ${key.key} is claimed without its order (order ${key.order_id}, status ${key.status_code})`,
      );
    }
  }
  const sold = await database.query<{ product_id: number; sold: number }>(
    `SELECT i.product_id, sum(i.quantity)::int AS sold
       FROM order_items i JOIN orders o ON o.company_id = i.company_id AND o.id = i.order_id
      WHERE i.company_id = $1 AND o.status <> 'cancelled'
      GROUP BY i.product_id`,
    [companyId],
  );
  const soldBy = new Map(sold.rows.map((r) => [r.product_id, r.sold]));
  for (const [productId, stock] of await stockOf(companyId, database)) {
    const initial = initialStock.get(productId);
    if (stock < 0) violations.push(`product ${productId} has stock ${stock}`);
    if (initial === undefined) continue;
    const taken = initial - stock;
    const held = soldBy.get(productId) ?? 0;
    if (taken !== held) violations.push(`product ${productId}: ${taken} taken from stock, ${held} in orders`);
  }
  return violations;
}

/** Orders of a company, and which Idempotency-Key placed each. */
export async function ordersByKey(
  companyId: number,
  database: Queryable = db(),
): Promise<Map<string, number>> {
  const { rows } = await database.query<{ key: string; order_id: number }>(
    'SELECT key, order_id FROM idempotency_keys WHERE company_id = $1 AND order_id IS NOT NULL',
    [companyId],
  );
  return new Map(rows.map((r) => [r.key, r.order_id]));
}

export async function orderCount(companyId: number, database: Queryable = db()): Promise<number> {
  const { rows } = await database.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM orders WHERE company_id = $1',
    [companyId],
  );
  return rows[0]?.n ?? -1;
}

/**
 * A fingerprint of every row the given companies own, table by table, and of the
 * reference tables: equal fingerprints before and after mean nothing of theirs changed.
 */
export async function tenantFingerprint(
  companyIds: number[],
  database: Queryable = db(),
): Promise<Record<string, string>> {
  const fingerprint: Record<string, string> = {};
  const tables = [
    ...DISTRIBUTED_TABLES.map(({ table, column }) => ({
      table,
      where: `WHERE t.${column} = ANY($1::bigint[])`,
    })),
    ...REFERENCE_TABLES.map((table) => ({ table, where: '' })),
  ];
  for (const { table, where } of tables) {
    const { rows } = await database.query<{ row: string }>(
      `SELECT t::text AS row FROM ${table} t ${where} ORDER BY 1`,
      where ? [companyIds] : [],
    );
    const hash = createHash('sha256');
    for (const { row } of rows) hash.update(row).update('\n');
    fingerprint[table] = `${rows.length} rows ${hash.digest('hex').slice(0, 16)}`;
  }
  return fingerprint;
}
