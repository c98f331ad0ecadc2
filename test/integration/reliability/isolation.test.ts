/**
 * Promise 4, isolated: for every tenant endpoint, company B asking with company A's ids
 * gets a 404 (or only its own rows), never any of A's data, and A's rows do not change.
 * The cases are keyed by the route table, so a new tenant endpoint without a case fails.
 *
 * Shown to fail: with `company_id = $1` dropped from getProduct's WHERE clause, B read
 * A's product (200 with A's name, where a 404 was expected).
 */
import { handler as getCampaign } from '../../../functions/campaigns/get';
import { handler as listCampaigns } from '../../../functions/campaigns/list';
import { handler as getCompany } from '../../../functions/companies/get';
import { handler as createKey } from '../../../functions/keys/create';
import { handler as listKeys } from '../../../functions/keys/list';
import { handler as revokeKey } from '../../../functions/keys/revoke';
import { handler as cancelOrder } from '../../../functions/orders/cancel';
import { handler as getOrder } from '../../../functions/orders/get';
import { handler as listCustomerOrders } from '../../../functions/orders/list-by-customer';
import { handler as createProduct } from '../../../functions/products/create';
import { handler as getProduct } from '../../../functions/products/get';
import { handler as listProducts } from '../../../functions/products/list';
import { handler as updateProduct } from '../../../functions/products/update';
import { createKey as makeKey } from '../../../lib/auth/api-keys';
import { routes } from '../../../lib/http/routes';
import { closeDb } from '../../support/db';
import { invoke, type Reply } from '../../support/lambda';
import { tenantFingerprint } from '../../support/ledger';
import { newTenant, placeOrder, type Tenant } from '../../support/shop';

afterAll(closeDb);

// The operator's cluster status belongs to no tenant.
type TenantRoute = Exclude<keyof typeof routes, 'createCompany' | 'health' | 'clusterStatus' | 'openapi'>;

/** What each endpoint answers B when asked with A's ids, and the status it must be. */
const cases: Record<TenantRoute, (a: Tenant, b: Tenant) => Promise<[Reply, number]>> = {
  getCompany: async (_a, b) => [
    await invoke(getCompany, routes.getCompany, { params: { companyId: b.company.id } }),
    200,
  ],
  listProducts: async (a, b) => {
    const first = await invoke<{ nextCursor: string }>(listProducts, routes.listProducts, {
      params: { companyId: a.company.id },
      query: { limit: 1 },
    });
    const reply = await invoke(listProducts, routes.listProducts, {
      params: { companyId: b.company.id },
      query: { cursor: first.body.nextCursor, q: 'Product' },
    });
    return [reply, 200];
  },
  getProduct: async (a, b) => [
    await invoke(getProduct, routes.getProduct, {
      params: { companyId: b.company.id, productId: a.products[0]?.id ?? 0 },
    }),
    404,
  ],
  createProduct: async (a, b) => {
    // Every tenant has skus P-1 and P-2: a sku is unique per company only.
    const sku = `P-${a.company.id}`;
    const body = { name: 'Own product', sku, priceCents: 1, stock: 1 };
    const inA = await invoke(createProduct, routes.createProduct, {
      params: { companyId: a.company.id },
      body,
    });
    expect(inA.status).toBe(201);
    before = await tenantFingerprint([a.company.id]);
    return [
      await invoke(createProduct, routes.createProduct, { params: { companyId: b.company.id }, body }),
      201,
    ];
  },
  updateProduct: async (a, b) => [
    await invoke(updateProduct, routes.updateProduct, {
      params: { companyId: b.company.id, productId: a.products[0]?.id ?? 0 },
      body: { stock: 0, name: 'Taken over' },
    }),
    404,
  ],
  placeOrder: async (a, b) => {
    const byProduct = await placeOrder(b.company.id, {
      customer: { email: 'b@example.com', name: 'B' },
      items: [{ productId: a.products[0]?.id, quantity: 1 }],
    });
    expect(byProduct.status).toBe(404);
    const byCustomer = await placeOrder(b.company.id, {
      customer: { id: a.customerId },
      items: [{ productId: b.products[0]?.id, quantity: 1 }],
    });
    return [byCustomer, 404];
  },
  getOrder: async (a, b) => [
    await invoke(getOrder, routes.getOrder, { params: { companyId: b.company.id, orderId: a.order.id } }),
    404,
  ],
  cancelOrder: async (a, b) => [
    await invoke(cancelOrder, routes.cancelOrder, {
      params: { companyId: b.company.id, orderId: a.order.id },
    }),
    404,
  ],
  listCustomerOrders: async (a, b) => [
    await invoke(listCustomerOrders, routes.listCustomerOrders, {
      params: { companyId: b.company.id, customerId: a.customerId },
    }),
    404,
  ],
  listCampaigns: async (a, b) => {
    const first = await invoke<{ nextCursor: string | null }>(listCampaigns, routes.listCampaigns, {
      params: { companyId: a.company.id },
    });
    const reply = await invoke(listCampaigns, routes.listCampaigns, {
      params: { companyId: b.company.id },
      query: first.body.nextCursor ? { cursor: first.body.nextCursor } : {},
    });
    return [reply, 200];
  },
  getCampaign: async (a, b) => [
    await invoke(getCampaign, routes.getCampaign, {
      params: { companyId: b.company.id, campaignId: a.campaignId },
    }),
    404,
  ],
  createKey: async (_a, b) => [
    await invoke(createKey, routes.createKey, {
      params: { companyId: b.company.id },
      body: { kind: 'publishable' },
    }),
    201,
  ],
  listKeys: async (a, b) => {
    const reply = await invoke(listKeys, routes.listKeys, { params: { companyId: b.company.id } });
    expect(JSON.stringify(reply.body)).not.toContain(aKeyPrefix);
    expect(JSON.stringify(reply.body)).not.toContain(`_${a.company.id}_`);
    return [reply, 200];
  },
  revokeKey: async (_a, b) => [
    await invoke(revokeKey, routes.revokeKey, { params: { companyId: b.company.id, keyId: aKeyId } }),
    404,
  ],
};

let aKeyId: number;
let aKeyPrefix: string;

let before: Record<string, string>;

describe('tenant isolation', () => {
  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    a = await newTenant('alpha');
    b = await newTenant('bravo');
    const made = await makeKey(a.company.id, 'secret');
    aKeyId = made.id;
    aKeyPrefix = made.prefix;
    before = await tenantFingerprint([a.company.id]);
  });

  it('should have a case for every endpoint that names a company', () => {
    const tenantRoutes = Object.values(routes)
      .filter((route) => route.path.includes('{companyId}'))
      .map((route) => route.operationId);
    expect(Object.keys(cases).sort()).toEqual(tenantRoutes.sort());
  });

  it.each(Object.keys(cases) as TenantRoute[])(
    "should never answer %s with another company's data",
    async (name) => {
      const [reply, status] = await cases[name](a, b);
      expect(reply.status).toBe(status);
      expect(JSON.stringify(reply.body)).not.toContain(a.marker);
      if (status === 404) expect(reply.body).toMatchObject({ type: '/problems/not-found' });
      expect(await tenantFingerprint([a.company.id])).toEqual(before);
    },
  );
});
