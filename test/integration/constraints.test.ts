import { closeDb, query, withTransaction } from '../support/db';

afterAll(closeDb);

/** Runs the statements in a transaction that is always rolled back, and returns the SQLSTATE it failed with. */
async function failureCode(...statements: string[]): Promise<string | undefined> {
  try {
    await withTransaction(async (tx) => {
      const company = await tx.query<{ id: number }>(
        "INSERT INTO companies (name) VALUES ('Constraint Co') RETURNING id",
      );
      const id = company.rows[0]?.id;
      for (const sql of statements) await tx.query(sql.replaceAll(':company', String(id)));
      throw new Error('accepted');
    });
  } catch (error: unknown) {
    return (error as { code?: string }).code ?? (error as Error).message;
  }
  return undefined;
}

describe('schema constraints', () => {
  it('should reject negative stock', async () => {
    expect(
      await failureCode(
        "INSERT INTO products (company_id, name, sku, price_cents, stock) VALUES (:company, 'A', 'A-1', 100, -1)",
      ),
    ).toBe('23514');
  });

  it('should reject a negative price', async () => {
    expect(
      await failureCode(
        "INSERT INTO products (company_id, name, sku, price_cents, stock) VALUES (:company, 'A', 'A-1', -5, 1)",
      ),
    ).toBe('23514');
  });

  it('should reject a campaign of an unknown company', async () => {
    const { rows } = await query<{ id: number }>(
      'SELECT coalesce(max(id), 0) + 1000000 AS id FROM companies',
    );
    expect(
      await failureCode(
        `INSERT INTO campaigns (company_id, name, cost_model, state, monthly_budget)
         VALUES (${rows[0]?.id}, 'Ghost', 'cost_per_click', 'running', 100)`,
      ),
    ).toBe('23503');
  });

  it('should reject an unknown campaign state', async () => {
    expect(
      await failureCode(
        "INSERT INTO campaigns (company_id, name, cost_model, state, monthly_budget) VALUES (:company, 'C', 'cost_per_click', 'exploded', 1)",
      ),
    ).toBe('23514');
  });

  it('should reject an order item for a product the company does not have', async () => {
    let code: string | undefined;
    const rollback = new Error('rollback');
    await withTransaction(async (tx) => {
      const company = await tx.query<{ id: number }>(
        "INSERT INTO companies (name) VALUES ('Items Co') RETURNING id",
      );
      const companyId = company.rows[0]?.id;
      const customer = await tx.query<{ id: number }>(
        "INSERT INTO customers (company_id, email, name) VALUES ($1, 'a@b.example', 'A') RETURNING id",
        [companyId],
      );
      const order = await tx.query<{ id: number }>(
        'INSERT INTO orders (company_id, customer_id, total_cents) VALUES ($1, $2, 0) RETURNING id',
        [companyId, customer.rows[0]?.id],
      );
      code = await tx
        .query(
          'INSERT INTO order_items (company_id, order_id, product_id, quantity, unit_price_cents) VALUES ($1, $2, 424242, 1, 1)',
          [companyId, order.rows[0]?.id],
        )
        .then(
          () => 'accepted',
          (error: unknown) => (error as { code?: string }).code,
        );
      throw rollback;
    }).catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
    expect(code).toBe('23503');
  });

  it('should accept a valid row', async () => {
    expect(
      await failureCode(
        "INSERT INTO products (company_id, name, sku, price_cents, stock) VALUES (:company, 'A', 'A-1', 100, 0)",
      ),
    ).toBe('accepted');
  });
});
