/**
 * Placing and cancelling an order are one call of a function in the SQL bundle. On Citus
 * the coordinator must delegate that call whole to the worker that holds the tenant: one
 * command sent to one worker, where the multi-statement transaction sent one per
 * statement. Proven from what the coordinator reports (DEBUG1 "pushing down the function
 * call", and every command it issues to a worker, with citus.log_remote_commands), never
 * assumed. On plain PostgreSQL the same function runs undistributed.
 */
import { Client } from 'pg';
import type { Queryable } from '../../../lib/db';
import { cancelOrder, placeOrder } from '../../../lib/shop/orders';
import { closeDb, query } from '../../support/db';
import { newCompany, newProduct } from '../../support/shop';
import { describeCitus, describePlain } from '../../support/tiers';

afterAll(closeDb);

interface Watched {
  database: Queryable;
  /** Everything the coordinator reported since the last `take()`. */
  take(): { debug: string[]; remote: { command: string; node: string }[] };
  end(): Promise<void>;
}

/** A session on the coordinator that reports what Citus does with each statement. */
async function watchedSession(): Promise<Watched> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  let notices: { message: string; detail: string }[] = [];
  client.on('notice', (n) => notices.push({ message: n.message ?? '', detail: n.detail ?? '' }));
  await client.query('SET client_min_messages TO debug1');
  await client.query('SET citus.log_remote_commands TO on');
  return {
    database: { query: (text, params) => client.query(text, params) },
    take() {
      const seen = notices;
      notices = [];
      return {
        debug: seen.map((n) => n.message).filter((m) => !m.startsWith('issuing ')),
        remote: seen
          .filter((n) => n.message.startsWith('issuing '))
          .map((n) => ({ command: n.message.slice('issuing '.length), node: n.detail })),
      };
    },
    end: () => client.end(),
  };
}

/** The worker (`host:port`) that holds the company's shard group. */
async function workerOf(companyId: number): Promise<string> {
  const { rows } = await query<{ node: string }>(
    `SELECT nodename || ':' || nodeport AS node FROM pg_dist_placement p
       JOIN pg_dist_node n USING (groupid)
      WHERE p.shardid = get_shard_id_for_distribution_column('companies', $1::bigint)`,
    [companyId],
  );
  return rows[0]?.node as string;
}

const TWO_TO_THE_48 = 2 ** 48;

describeCitus('order functions on Citus', () => {
  let session: Watched;
  beforeAll(async () => {
    session = await watchedSession();
  });
  afterAll(() => session.end());

  it('should send a placed order to the tenant worker as one command', async () => {
    const company = await newCompany();
    const a = await newProduct(company.id, { stock: 5, priceCents: 300 });
    const b = await newProduct(company.id, { stock: 5, priceCents: 200 });
    session.take();
    const placed = await placeOrder(
      company.id,
      `delegated-${company.id}`,
      {
        customer: { email: 'delegated@example.com', name: 'D' },
        items: [
          { productId: b.id, quantity: 2 },
          { productId: a.id, quantity: 1 },
        ],
      },
      session.database,
    );
    const seen = session.take();
    expect(placed.created).toBe(true);
    expect(JSON.parse(placed.json)).toMatchObject({ totalCents: 700, status: 'placed' });
    expect(seen.debug).toContain('pushing down the function call');
    // One command, the call itself, to the worker holding the tenant; nothing else went
    // to any worker (the ids came from the coordinator's own sequences).
    expect(seen.remote).toHaveLength(1);
    expect(seen.remote[0]?.command).toMatch(/^SELECT public\.distribushop_place_order\(/);
    expect(seen.remote[0]?.node).toContain(await workerOf(company.id));
  });

  it('should delegate replays, refusals and cancels as well, with their errors intact', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 1 });
    const order = {
      customer: { email: 'again@example.com', name: 'A' },
      items: [{ productId: product.id, quantity: 1 }],
    };
    const first = await placeOrder(company.id, 'again', order, session.database);
    session.take();
    const replay = await placeOrder(company.id, 'again', order, session.database);
    expect(replay).toEqual({ created: false, json: first.json });
    await expect(placeOrder(company.id, 'short', order, session.database)).rejects.toMatchObject({
      statusCode: 409,
      products: [{ productId: product.id, requested: 1, available: 0 }],
    });
    const cancelled = await cancelOrder(company.id, JSON.parse(first.json).id, session.database);
    expect(cancelled.status).toBe('cancelled');
    const seen = session.take();
    expect(seen.debug.filter((m) => m === 'pushing down the function call')).toHaveLength(3);
    expect(seen.remote.map((r) => /^SELECT public\.(\w+)\(/.exec(r.command)?.[1])).toEqual([
      'distribushop_place_order',
      'distribushop_place_order',
      'distribushop_cancel_order',
    ]);
  });

  it('should not delegate inside a transaction block, which is why the service never opens one', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 5 });
    await session.database.query('BEGIN');
    session.take();
    await placeOrder(
      company.id,
      'in-a-block',
      {
        customer: { email: 'block@example.com', name: 'B' },
        items: [{ productId: product.id, quantity: 1 }],
      },
      session.database,
    );
    await session.database.query('ROLLBACK');
    const seen = session.take();
    expect(seen.debug).not.toContain('pushing down the function call');
    // Every statement of the function became a command of its own to the worker.
    expect(seen.remote.length).toBeGreaterThan(5);
  });

  it('should return ids from the coordinator, exact as JSON numbers on any cluster', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id);
    const placed = JSON.parse(
      (
        await placeOrder(company.id, 'ids', {
          customer: { email: 'ids@example.com', name: 'I' },
          items: [{ productId: product.id, quantity: 1 }],
        })
      ).json,
    ) as { id: number; customerId: number };
    // A worker draws from its own range, its group id << 48: past 2^53 from group 32 on.
    const { rows } = await query<{ result: string }>(
      "SELECT result FROM run_command_on_workers($$SELECT nextval('orders_id_seq')$$)",
    );
    for (const row of rows) expect(Number(row.result)).toBeGreaterThan(TWO_TO_THE_48);
    // The order's ids come from the coordinator's sequences instead.
    for (const id of [placed.id, placed.customerId]) {
      expect(Number.isSafeInteger(id)).toBe(true);
      expect(id).toBeLessThan(TWO_TO_THE_48);
    }
    const last = await query<{ order_id: number; customer_id: number }>(
      'SELECT (SELECT last_value FROM orders_id_seq) AS order_id, (SELECT last_value FROM customers_id_seq) AS customer_id',
    );
    expect(placed.id).toBeLessThanOrEqual(last.rows[0]?.order_id as number);
    expect(placed.customerId).toBeLessThanOrEqual(last.rows[0]?.customer_id as number);
  });
});

describePlain('order functions on plain PostgreSQL', () => {
  it('should run the same function undistributed', async () => {
    const { rows } = await query<{ citus: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus",
    );
    expect(rows[0]?.citus).toBe(false);
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 2 });
    const placed = await placeOrder(company.id, 'plain', {
      customer: { email: 'plain@example.com', name: 'P' },
      items: [{ productId: product.id, quantity: 2 }],
    });
    expect(placed.created).toBe(true);
    const cancelled = await cancelOrder(company.id, JSON.parse(placed.json).id);
    expect(cancelled.status).toBe('cancelled');
  });
});

describe('ids beyond 2^53', () => {
  it('should be refused rather than rounded', async () => {
    await expect(query('SELECT (2::bigint ^ 53)::bigint + 1 AS id')).rejects.toThrow(/beyond 2\^53/);
  });
});
