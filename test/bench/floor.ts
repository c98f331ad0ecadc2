/**
 * The floor of a cold start: the least a function that answers getProduct's request can
 * load and do, a bare handler with a pg Pool (one connection, as the functions hold) and the
 * statement getProduct sends (scenarios.ts sends it to pgbench too). No validation, no
 * middleware, no logging: the benchmark's cold level builds it as serverless.yml builds the
 * functions and measures every function against it.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Pool } from 'pg';

let pool: Pool | undefined;

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  pool ??= new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  const { rows } = await pool.query(
    'SELECT company_id, id, name, sku, price_cents, stock, created_at, updated_at FROM products WHERE company_id = $1 AND id = $2',
    [event.pathParameters?.companyId, event.pathParameters?.productId],
  );
  return { statusCode: rows[0] ? 200 : 404, body: JSON.stringify(rows[0] ?? null) };
};
