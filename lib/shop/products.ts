/** Products of a company. Every statement names company_id, so Citus routes it to one shard. */
import { db, type Queryable, REPEATABLE } from '../db';
import { ConflictError, NotFoundError } from '../errors';
import { assertCompany } from './companies';
import { cursorKeys, decodeCursor, toPage } from './cursor';
import type { Page, PageOptions, Product, ProductIn, ProductPatch } from './types';

interface ProductRow {
  company_id: number;
  id: number;
  name: string;
  sku: string;
  price_cents: number;
  stock: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'company_id, id, name, sku, price_cents, stock, created_at, updated_at';

const toProduct = (r: ProductRow): Product => ({
  id: r.id,
  companyId: r.company_id,
  name: r.name,
  sku: r.sku,
  priceCents: r.price_cents,
  stock: r.stock,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function createProduct(
  companyId: number,
  input: ProductIn,
  database: Queryable = db(),
): Promise<Product> {
  await assertCompany(companyId, database);
  // A SKU taken is an answer, not an error: a statement that fails on a worker makes the
  // coordinator drop its connection to that worker, and the next statement pays a new one.
  const { rows } = await database.query<ProductRow>(
    `INSERT INTO products (company_id, name, sku, price_cents, stock) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (company_id, sku) DO NOTHING
     RETURNING ${COLUMNS}`,
    [companyId, input.name, input.sku, input.priceCents, input.stock],
  );
  if (!rows[0]) throw new ConflictError(`Company ${companyId} already has a product with sku ${input.sku}`);
  return toProduct(rows[0]);
}

export async function getProduct(
  companyId: number,
  productId: number,
  database: Queryable = db(),
): Promise<Product> {
  const { rows } = await database.query<ProductRow>(
    `SELECT ${COLUMNS} FROM products WHERE company_id = $1 AND id = $2`,
    [companyId, productId],
    REPEATABLE,
  );
  if (!rows[0]) throw new NotFoundError(`Product ${productId} does not exist in company ${companyId}`);
  return toProduct(rows[0]);
}

export async function updateProduct(
  companyId: number,
  productId: number,
  patch: ProductPatch,
  database: Queryable = db(),
): Promise<Product> {
  const { rows } = await database.query<ProductRow>(
    `UPDATE products
        SET name = coalesce($3, name), price_cents = coalesce($4, price_cents), stock = coalesce($5, stock),
            updated_at = now()
      WHERE company_id = $1 AND id = $2
      RETURNING ${COLUMNS}`,
    [companyId, productId, patch.name ?? null, patch.priceCents ?? null, patch.stock ?? null],
  );
  if (!rows[0]) throw new NotFoundError(`Product ${productId} does not exist in company ${companyId}`);
  return toProduct(rows[0]);
}

/** Products by id, `limit` at a time; `q` keeps those whose name contains it (case-insensitive). */
export async function listProducts(
  companyId: number,
  opts: PageOptions & { q?: string },
  database: Queryable = db(),
): Promise<Page<Product>> {
  const after = decodeCursor(opts.cursor, cursorKeys.products)?.[0] ?? 0;
  const pattern = opts.q ? `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const { rows } = await database.query<ProductRow>(
    `SELECT ${COLUMNS} FROM products
      WHERE company_id = $1 AND id > $2 AND ($3::text IS NULL OR name ILIKE $3)
      ORDER BY id LIMIT $4`,
    [companyId, after, pattern, opts.limit + 1],
    REPEATABLE,
  );
  if (rows.length === 0 && after === 0) await assertCompany(companyId, database);
  return toPage(rows, opts.limit, toProduct, (r) => [r.id]);
}
