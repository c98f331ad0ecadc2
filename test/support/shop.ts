/** Builders for API tests: each test makes its own tenant, so tests never share rows. */
import { randomUUID } from 'node:crypto';
import { handler as createCompanyHandler } from '../../functions/companies/create';
import { handler as placeOrderHandler } from '../../functions/orders/place';
import { handler as createProductHandler } from '../../functions/products/create';
import { routes } from '../../lib/http/routes';
import type { Company, Order, Product } from '../../lib/shop/types';
import { query } from './db';
import { invoke, type Reply } from './lambda';

export async function newCompany(name = `Test Co ${randomUUID().slice(0, 8)}`): Promise<Company> {
  const reply = await invoke<Company>(createCompanyHandler, routes.createCompany, { body: { name } });
  expect(reply.status).toBe(201);
  return reply.body;
}

let skuCounter = 0;

export async function newProduct(
  companyId: number,
  fields: Partial<{ name: string; sku: string; priceCents: number; stock: number }> = {},
): Promise<Product> {
  skuCounter += 1;
  const reply = await invoke<Product>(createProductHandler, routes.createProduct, {
    params: { companyId },
    body: { name: `Product ${skuCounter}`, sku: `SKU-${skuCounter}`, priceCents: 1000, stock: 10, ...fields },
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

export function placeOrder(
  companyId: number,
  body: unknown,
  key: string = randomUUID(),
): Promise<Reply<Order & Record<string, unknown>>> {
  return invoke(placeOrderHandler, routes.placeOrder, {
    params: { companyId },
    headers: { 'idempotency-key': key },
    body,
  });
}

export interface Tenant {
  company: Company;
  products: Product[];
  order: Order;
  customerId: number;
  campaignId: number;
  /** Text that appears in this tenant's rows and nowhere else. */
  marker: string;
}

/**
 * A company with something in every table: two products, a customer with an order, a
 * campaign with an ad. Every name carries `marker`, so a response that leaks any of it
 * can be told by text alone.
 */
export async function newTenant(label: string): Promise<Tenant> {
  const marker = `${label}-${randomUUID().slice(0, 8)}`;
  const company = await newCompany(`Company ${marker}`);
  const products = [
    await newProduct(company.id, { name: `Product one ${marker}`, sku: 'P-1', stock: 50 }),
    await newProduct(company.id, { name: `Product two ${marker}`, sku: 'P-2', stock: 50 }),
  ];
  const placed = await placeOrder(company.id, {
    customer: { email: `${marker}@example.com`.toLowerCase(), name: `Customer ${marker}` },
    items: [{ productId: products[0]?.id, quantity: 1 }],
  });
  expect(placed.status).toBe(201);
  const campaign = await query<{ id: number }>(
    `INSERT INTO campaigns (company_id, name, cost_model, state, monthly_budget)
     VALUES ($1, $2, 'cost_per_click', 'running', 1000) RETURNING id`,
    [company.id, `Campaign ${marker}`],
  );
  const campaignId = campaign.rows[0]?.id as number;
  await query('INSERT INTO ads (company_id, campaign_id, name) VALUES ($1, $2, $3)', [
    company.id,
    campaignId,
    `Ad ${marker}`,
  ]);
  return { company, products, order: placed.body, customerId: placed.body.customerId, campaignId, marker };
}
