import { randomUUID } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import { handler as cancelOrder } from '../../../functions/orders/cancel';
import { handler as getOrder } from '../../../functions/orders/get';
import { handler as listCustomerOrders } from '../../../functions/orders/list-by-customer';
import { handler as placeOrderHandler } from '../../../functions/orders/place';
import { handler as getProduct } from '../../../functions/products/get';
import { db, type Queryable, type QueryOptions } from '../../../lib/db';
import { orderOut } from '../../../lib/http/contract';
import { routes } from '../../../lib/http/routes';
import {
  NEW_ORDER_IDS,
  normalizeItems,
  PLACE_ORDER_CALL,
  placeOrder as placeOrderService,
} from '../../../lib/shop/orders';
import type { Order, Page, Product } from '../../../lib/shop/types';
import { authorization } from '../../support/credentials';
import { closeDb, query } from '../../support/db';
import { context, httpEvent, invoke } from '../../support/lambda';
import { newCompany, newProduct, placeOrder } from '../../support/shop';

afterAll(closeDb);

async function stockOf(companyId: number, productId: number): Promise<number> {
  const reply = await invoke<Product>(getProduct, routes.getProduct, { params: { companyId, productId } });
  return reply.body.stock;
}

async function orderCount(companyId: number): Promise<number> {
  const { rows } = await query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE company_id = $1', [
    companyId,
  ]);
  return rows[0]?.n ?? -1;
}

describe('placing an order', () => {
  it('should create the order with prices and total from the database and take the stock', async () => {
    const company = await newCompany();
    const mug = await newProduct(company.id, { priceCents: 1250, stock: 5 });
    const tea = await newProduct(company.id, { priceCents: 499, stock: 10 });
    const reply = await placeOrder(company.id, {
      customer: { email: 'Ada@Example.com', name: 'Ada' },
      items: [
        { productId: tea.id, quantity: 2 },
        { productId: mug.id, quantity: 1 },
        { productId: tea.id, quantity: 1 },
      ],
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      companyId: company.id,
      status: 'placed',
      totalCents: 1250 + 3 * 499,
      currency: 'USD',
      items: [
        { productId: mug.id, quantity: 1, unitPriceCents: 1250 },
        { productId: tea.id, quantity: 3, unitPriceCents: 499 },
      ],
    });
    expect(await stockOf(company.id, mug.id)).toBe(4);
    expect(await stockOf(company.id, tea.id)).toBe(7);
    const got = await invoke<Order>(getOrder, routes.getOrder, {
      params: { companyId: company.id, orderId: reply.body.id },
    });
    expect(got.body).toEqual(reply.body);
  });

  it('should reuse a customer by email and find one by id', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 10 });
    const first = await placeOrder(company.id, {
      customer: { email: 'bo@example.com', name: 'Bo' },
      items: [{ productId: product.id, quantity: 1 }],
    });
    const second = await placeOrder(company.id, {
      customer: { email: 'BO@example.com', name: 'Someone Else' },
      items: [{ productId: product.id, quantity: 1 }],
    });
    const third = await placeOrder(company.id, {
      customer: { id: first.body.customerId },
      items: [{ productId: product.id, quantity: 1 }],
    });
    expect(second.body.customerId).toBe(first.body.customerId);
    expect(third.status).toBe(201);
    expect(third.body.customerId).toBe(first.body.customerId);
  });

  it('should answer 409 naming every short product and write nothing', async () => {
    const company = await newCompany();
    const a = await newProduct(company.id, { stock: 2 });
    const b = await newProduct(company.id, { stock: 0 });
    const c = await newProduct(company.id, { stock: 10 });
    const reply = await placeOrder(company.id, {
      customer: { email: 'short@example.com', name: 'Short' },
      items: [
        { productId: c.id, quantity: 1 },
        { productId: a.id, quantity: 3 },
        { productId: b.id, quantity: 1 },
      ],
    });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({
      type: '/problems/insufficient-stock',
      products: [
        { productId: a.id, requested: 3, available: 2 },
        { productId: b.id, requested: 1, available: 0 },
      ],
    });
    expect(reply.body.detail).toContain(`product ${a.id}`);
    expect(await stockOf(company.id, c.id)).toBe(10);
    expect(await orderCount(company.id)).toBe(0);
    const customers = await query('SELECT 1 FROM customers WHERE company_id = $1', [company.id]);
    expect(customers.rowCount).toBe(0);
  });

  it('should answer 404 for an unknown company, product or customer', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id);
    const item = [{ productId: product.id, quantity: 1 }];
    const customer = { email: 'x@example.com', name: 'X' };
    expect((await placeOrder(987654321, { customer, items: item })).status).toBe(404);
    const badProduct = await placeOrder(company.id, {
      customer,
      items: [{ productId: 99999999, quantity: 1 }],
    });
    expect(badProduct.status).toBe(404);
    expect(badProduct.body.detail).toContain('99999999');
    expect((await placeOrder(company.id, { customer: { id: 99999999 }, items: item })).status).toBe(404);
    expect(await stockOf(company.id, product.id)).toBe(10);
  });

  it('should refuse bad bodies and a missing Idempotency-Key with 400', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id);
    const bad = [
      { customer: { email: 'x@example.com', name: 'X' }, items: [] },
      { customer: { email: 'not-an-email', name: 'X' }, items: [{ productId: product.id, quantity: 1 }] },
      { customer: { email: 'x@example.com', name: 'X' }, items: [{ productId: product.id, quantity: 0 }] },
      { customer: { id: 1 }, items: [{ productId: product.id, quantity: 1, priceCents: 1 }] },
      { items: [{ productId: product.id, quantity: 1 }] },
    ];
    for (const body of bad) {
      const reply = await placeOrder(company.id, body);
      expect(reply.status).toBe(400);
      expect(reply.body.type).toBe('/problems/validation');
    }
    const noKey = await invoke(placeOrderHandler, routes.placeOrder, {
      params: { companyId: company.id },
      body: { customer: { id: 1 }, items: [{ productId: product.id, quantity: 1 }] },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body).toMatchObject({ errors: [{ path: 'headers.idempotency-key' }] });
    expect(await orderCount(company.id)).toBe(0);
  });

  it('should answer 400 for malformed JSON and 415 for another content type', async () => {
    const company = await newCompany();
    const malformed = await invoke(placeOrderHandler, routes.placeOrder, {
      params: { companyId: company.id },
      headers: { 'idempotency-key': 'k1', 'content-type': 'application/json' },
      rawBody: '{"customer": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ type: '/problems/malformed-json' });
    const form = await invoke(placeOrderHandler, routes.placeOrder, {
      params: { companyId: company.id },
      headers: { 'idempotency-key': 'k1', 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: 'a=1',
    });
    expect(form.status).toBe(415);
    const huge = await invoke(placeOrderHandler, routes.placeOrder, {
      params: { companyId: company.id },
      headers: { 'idempotency-key': 'k1' },
      body: { customer: { email: 'x@example.com', name: 'x'.repeat(70_000) }, items: [] },
    });
    expect(huge.status).toBe(413);
  });
});

describe('idempotency', () => {
  it('should return the same order for the same key and body, without a second decrement', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 5 });
    const key = randomUUID();
    const body = {
      customer: { email: 'retry@example.com', name: 'R' },
      items: [{ productId: product.id, quantity: 2 }],
    };
    const first = await placeOrder(company.id, body, key);
    const again = await placeOrder(company.id, body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(await stockOf(company.id, product.id)).toBe(3);
    expect(await orderCount(company.id)).toBe(1);
  });

  it('should answer 201 when the order call runs twice because its first answer was lost', async () => {
    // What DB_RETRY_MS does when a node changes hands after the call committed but before
    // its answer arrived: the call is sent again under the same key and finds the order.
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 5 });
    const input = {
      customer: { email: 'twice@example.com', name: 'T' },
      items: [{ productId: product.id, quantity: 2 }],
    };
    const runs: string[] = [];
    const cutOff: Queryable = {
      query: async <R extends QueryResultRow>(text: string, params?: unknown[], options?: QueryOptions) => {
        if (text !== PLACE_ORDER_CALL) return db().query<R>(text, params, options);
        runs.push(text);
        await db().query(text, params); // committed; its answer never arrives
        return db().query<R>(text, params, options);
      },
    };
    const key = randomUUID();
    const result = await placeOrderService(company.id, key, input, cutOff);
    expect(runs).toHaveLength(1);
    expect(result.created).toBe(true);
    expect(await orderCount(company.id)).toBe(1);
    expect(await stockOf(company.id, product.id)).toBe(3);
    // A later request with the key is a replay, as ever.
    const again = await placeOrderService(company.id, key, input);
    expect([again.created, again.json]).toEqual([false, result.json]);
  });

  it('should answer 422 for the same key with another body', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 5 });
    const key = randomUUID();
    const customer = { email: 'k@example.com', name: 'K' };
    await placeOrder(company.id, { customer, items: [{ productId: product.id, quantity: 1 }] }, key);
    const other = await placeOrder(
      company.id,
      { customer, items: [{ productId: product.id, quantity: 2 }] },
      key,
    );
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect(await stockOf(company.id, product.id)).toBe(4);
  });

  it('should replay the stored response byte for byte', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 5 });
    const event = {
      params: { companyId: company.id },
      headers: { 'idempotency-key': randomUUID(), ...(await authorization('publishable', company.id)) },
      body: {
        customer: { email: 'bytes@example.com', name: 'B' },
        items: [{ productId: product.id, quantity: 1 }],
      },
    };
    const first = await placeOrderHandler(httpEvent(routes.placeOrder, event), context);
    const again = await placeOrderHandler(httpEvent(routes.placeOrder, event), context);
    expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
    expect(again.body).toBe(first.body);
  });

  it('should treat a key as new once it has expired (24 h by default)', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 5 });
    const key = randomUUID();
    const body = {
      customer: { email: 'old@example.com', name: 'O' },
      items: [{ productId: product.id, quantity: 1 }],
    };
    const first = await placeOrder(company.id, body, key);
    expect(first.status).toBe(201);
    const { rows } = await query<{ hours: number }>(
      `SELECT round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours
         FROM idempotency_keys WHERE company_id = $1 AND key = $2`,
      [company.id, key],
    );
    expect(rows[0]?.hours).toBe(24);
    await query(
      "UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE company_id = $1 AND key = $2",
      [company.id, key],
    );
    const again = await placeOrder(company.id, body, key);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    const other = await placeOrder(
      company.id,
      { ...body, items: [{ productId: product.id, quantity: 2 }] },
      key,
    );
    // Still remembered: the key now belongs to the second order.
    expect(other.status).toBe(422);
    expect(await stockOf(company.id, product.id)).toBe(3);
    expect(await orderCount(company.id)).toBe(2);
  });

  it('should let a key be reused by another company', async () => {
    const a = await newCompany();
    const b = await newCompany();
    const pa = await newProduct(a.id);
    const pb = await newProduct(b.id);
    const key = randomUUID();
    const customer = { email: 'same@example.com', name: 'S' };
    expect(
      (await placeOrder(a.id, { customer, items: [{ productId: pa.id, quantity: 1 }] }, key)).status,
    ).toBe(201);
    expect(
      (await placeOrder(b.id, { customer, items: [{ productId: pb.id, quantity: 1 }] }, key)).status,
    ).toBe(201);
  });

  it('should create one order for concurrent requests with one key', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 100 });
    const key = randomUUID();
    const body = {
      customer: { email: 'race@example.com', name: 'R' },
      items: [{ productId: product.id, quantity: 1 }],
    };
    const replies = await Promise.all(Array.from({ length: 8 }, () => placeOrder(company.id, body, key)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect(await orderCount(company.id)).toBe(1);
    expect(await stockOf(company.id, product.id)).toBe(99);
  });
});

describe('stock under concurrency', () => {
  it('should sell exactly the last k units to many parallel buyers', async () => {
    const company = await newCompany();
    const k = 5;
    const product = await newProduct(company.id, { stock: k });
    const buyers = 20;
    const replies = await Promise.all(
      Array.from({ length: buyers }, (_, i) =>
        placeOrder(company.id, {
          customer: { email: `buyer${i}@example.com`, name: `Buyer ${i}` },
          items: [{ productId: product.id, quantity: 1 }],
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(k);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(buyers - k);
    expect(await stockOf(company.id, product.id)).toBe(0);
    expect(await orderCount(company.id)).toBe(k);
  });

  it('should not deadlock when orders lock the same products in opposite item order', async () => {
    const company = await newCompany();
    const a = await newProduct(company.id, { stock: 50 });
    const b = await newProduct(company.id, { stock: 50 });
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        placeOrder(company.id, {
          customer: { email: `d${i}@example.com`, name: 'D' },
          items:
            i % 2
              ? [
                  { productId: a.id, quantity: 1 },
                  { productId: b.id, quantity: 1 },
                ]
              : [
                  { productId: b.id, quantity: 1 },
                  { productId: a.id, quantity: 1 },
                ],
        }),
      ),
    );
    expect(replies.every((r) => r.status === 201)).toBe(true);
    expect(await stockOf(company.id, a.id)).toBe(34);
  });
});

describe("one order's JSON", () => {
  /** The raw body a handler answers for the route. */
  async function bodyOf(
    handler: typeof getOrder,
    route: (typeof routes)[keyof typeof routes],
    params: Record<string, number>,
  ): Promise<string> {
    const headers = await authorization('secret', params.companyId);
    const result = await handler(httpEvent(route, { params, headers }), context);
    return String(result.body);
  }

  it('should be the same text when placed, replayed, read, listed and cancelled', async () => {
    const company = await newCompany();
    const mug = await newProduct(company.id, { priceCents: 1250, stock: 5 });
    const tea = await newProduct(company.id, { priceCents: 499, stock: 10 });
    const event = httpEvent(routes.placeOrder, {
      params: { companyId: company.id },
      headers: { 'idempotency-key': randomUUID(), ...(await authorization('publishable', company.id)) },
      body: {
        customer: { email: 'json@example.com', name: 'J' },
        items: [
          { productId: tea.id, quantity: 2 },
          { productId: mug.id, quantity: 1 },
        ],
      },
    });
    const placed = String((await placeOrderHandler(event, context)).body);
    const order = JSON.parse(placed) as Order;
    // Exactly the contract's fields, in its order, and valid by it.
    expect(Object.keys(order)).toEqual(Object.keys(orderOut._zod.def.getter()._zod.def.shape));
    expect(orderOut.safeParse(order).success).toBe(true);
    const params = { companyId: company.id, orderId: order.id };
    expect(await bodyOf(getOrder, routes.getOrder, params)).toBe(placed);
    const listed = JSON.parse(
      await bodyOf(listCustomerOrders, routes.listCustomerOrders, {
        companyId: company.id,
        customerId: order.customerId,
      }),
    ) as Page<Order>;
    expect(JSON.stringify(listed.items)).toBe(`[${placed}]`);
    const cancelled = await bodyOf(cancelOrder, routes.cancelOrder, params);
    expect(cancelled).toBe(placed.replace('"status":"placed"', '"status":"cancelled"'));
  });

  it("should hold the order function's items to normalizeItems: duplicates merged, by product id", async () => {
    const company = await newCompany();
    const products = await Promise.all([1, 2, 3].map(() => newProduct(company.id, { stock: 50 })));
    const [a, b, c] = products.map((p) => p.id) as [number, number, number];
    const lines = [
      { productId: c, quantity: 2 },
      { productId: a, quantity: 1 },
      { productId: c, quantity: 3 },
      { productId: b, quantity: 4 },
      { productId: a, quantity: 5 },
    ];
    const { rows: ids } = await query<{ order_id: number; customer_id: number }>(NEW_ORDER_IDS, [true]);
    // The raw lines, as a caller that did not normalize them would pass them.
    const { rows } = await query<{ placed: { status: string; response: string } }>(PLACE_ORDER_CALL, [
      company.id,
      randomUUID(),
      'hash',
      24,
      ids[0]?.order_id,
      null,
      ids[0]?.customer_id,
      'raw@example.com',
      'R',
      lines.map((l) => l.productId),
      lines.map((l) => l.quantity),
    ]);
    expect(rows[0]?.placed.status).toBe('placed');
    const placed = JSON.parse(rows[0]?.placed.response ?? '{}') as Order;
    expect(placed.items.map(({ productId, quantity }) => ({ productId, quantity }))).toEqual(
      normalizeItems(lines),
    );
  });
});

describe('cancelling and listing orders', () => {
  it('should restock on cancel, and cancelling twice changes nothing', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 4 });
    const order = await placeOrder(company.id, {
      customer: { email: 'c@example.com', name: 'C' },
      items: [{ productId: product.id, quantity: 3 }],
    });
    const params = { companyId: company.id, orderId: order.body.id };
    const cancelled = await invoke<Order>(cancelOrder, routes.cancelOrder, { params });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await stockOf(company.id, product.id)).toBe(4);
    const twice = await invoke<Order>(cancelOrder, routes.cancelOrder, { params });
    expect(twice.status).toBe(200);
    expect(twice.body.status).toBe('cancelled');
    expect(await stockOf(company.id, product.id)).toBe(4);
  });

  it('should refuse to cancel a shipped order', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id);
    const order = await placeOrder(company.id, {
      customer: { email: 's@example.com', name: 'S' },
      items: [{ productId: product.id, quantity: 1 }],
    });
    await query("UPDATE orders SET status = 'shipped' WHERE company_id = $1 AND id = $2", [
      company.id,
      order.body.id,
    ]);
    const reply = await invoke(cancelOrder, routes.cancelOrder, {
      params: { companyId: company.id, orderId: order.body.id },
    });
    expect(reply.status).toBe(409);
    expect((reply.body as { detail: string }).detail).toContain('shipped');
    expect(await stockOf(company.id, product.id)).toBe(9);
  });

  it('should refuse a cancel whose restock would overflow the stock column, changing nothing', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 1_000 });
    const order = await placeOrder(company.id, {
      customer: { email: 'full@example.com', name: 'F' },
      items: [{ productId: product.id, quantity: 600 }],
    });
    // Restocked by hand to the column's maximum since the order took its 600.
    await query('UPDATE products SET stock = 2147483647 WHERE company_id = $1 AND id = $2', [
      company.id,
      product.id,
    ]);
    const reply = await invoke(cancelOrder, routes.cancelOrder, {
      params: { companyId: company.id, orderId: order.body.id },
    });
    expect(reply.status).toBe(409);
    expect(await stockOf(company.id, product.id)).toBe(2147483647);
    const kept = await invoke<Order>(getOrder, routes.getOrder, {
      params: { companyId: company.id, orderId: order.body.id },
    });
    expect(kept.body.status).toBe('placed');
  });

  it("should page through a customer's orders newest first", async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 100 });
    const ids: number[] = [];
    let customerId = 0;
    for (let i = 0; i < 5; i++) {
      const reply = await placeOrder(company.id, {
        customer: { email: 'pager@example.com', name: 'P' },
        items: [{ productId: product.id, quantity: 1 }],
      });
      ids.push(reply.body.id);
      customerId = reply.body.customerId;
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await invoke<Page<Order>>(listCustomerOrders, routes.listCustomerOrders, {
        params: { companyId: company.id, customerId },
        query: cursor ? { limit: 2, cursor } : { limit: 2 },
      });
      expect(page.status).toBe(200);
      for (const order of page.body.items) expect(order.items).toHaveLength(1);
      seen.push(...page.body.items.map((o) => o.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const unknown = await invoke(listCustomerOrders, routes.listCustomerOrders, {
      params: { companyId: company.id, customerId: 99999999 },
    });
    expect(unknown.status).toBe(404);
  });

  it("should never show one company's order to another", async () => {
    const a = await newCompany();
    const b = await newCompany();
    const product = await newProduct(a.id);
    const order = await placeOrder(a.id, {
      customer: { email: 'iso@example.com', name: 'I' },
      items: [{ productId: product.id, quantity: 1 }],
    });
    const params = { companyId: b.id, orderId: order.body.id };
    expect((await invoke(getOrder, routes.getOrder, { params })).status).toBe(404);
    expect((await invoke(cancelOrder, routes.cancelOrder, { params })).status).toBe(404);
    expect(await stockOf(a.id, product.id)).toBe(9);
  });
});
