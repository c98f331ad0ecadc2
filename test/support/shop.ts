/** Builders for API tests: each test makes its own tenant, so tests never share rows. */
import { randomUUID } from 'node:crypto';
import { handler as createCompanyHandler } from '../../functions/companies/create';
import { handler as placeOrderHandler } from '../../functions/orders/place';
import { handler as createProductHandler } from '../../functions/products/create';
import { routes } from '../../lib/http/routes';
import type { Company, Order, Product } from '../../lib/shop/types';
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
