/**
 * Citus tier: every tenant query the endpoints run is a single-shard (router) plan.
 * The statements are captured as the handlers send them, then each is EXPLAINed with
 * its own parameters on the coordinator and its Citus plan must have one task.
 */
import { Client } from 'pg';
import { handler as getCampaign } from '../../../functions/campaigns/get';
import { handler as listCampaigns } from '../../../functions/campaigns/list';
import { handler as getCompany } from '../../../functions/companies/get';
import { handler as cancelOrder } from '../../../functions/orders/cancel';
import { handler as getOrder } from '../../../functions/orders/get';
import { handler as listCustomerOrders } from '../../../functions/orders/list-by-customer';
import { handler as getProduct } from '../../../functions/products/get';
import { handler as listProducts } from '../../../functions/products/list';
import { handler as updateProduct } from '../../../functions/products/update';
import { routes } from '../../../lib/http/routes';
import { CANCEL_ORDER_CALL, PLACE_ORDER_CALL } from '../../../lib/shop/orders';
import { closeDb, query } from '../../support/db';
import { invoke } from '../../support/lambda';
import { newCompany, newProduct, placeOrder } from '../../support/shop';
import { describeCitus } from '../../support/tiers';

afterAll(closeDb);

interface Statement {
  text: string;
  values: unknown[];
}

interface PlanNode {
  'Custom Plan Provider'?: string;
  'Distributed Query'?: { Job?: { 'Task Count'?: number } };
  Plans?: PlanNode[];
}

/** Task counts of every Citus scan in a plan. */
function citusTaskCounts(node: PlanNode): number[] {
  const own =
    node['Custom Plan Provider']?.startsWith('Citus') === true
      ? [node['Distributed Query']?.Job?.['Task Count'] ?? Number.NaN]
      : [];
  return [...own, ...(node.Plans ?? []).flatMap(citusTaskCounts)];
}

function captured(spy: jest.SpyInstance): Statement[] {
  const seen = new Map<string, Statement>();
  for (const [first, second] of spy.mock.calls as [unknown, unknown][]) {
    const text = typeof first === 'string' ? first : (first as { text?: string })?.text;
    if (!text || /^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(text)) continue;
    // Tenant statements, and the order functions' calls (sql/005), which name the tenant
    // as their first argument and are delegated whole to the worker that holds it.
    if (!/company_id|companies|distribushop_\w+_order\(/.test(text)) continue;
    if (!seen.has(text)) seen.set(text, { text, values: Array.isArray(second) ? second : [] });
  }
  return [...seen.values()];
}

describeCitus('single-shard routing', () => {
  it('should plan every tenant query of every endpoint as one task on one shard', async () => {
    const company = await newCompany();
    await query(
      `INSERT INTO campaigns (company_id, name, cost_model, state, monthly_budget) VALUES ($1, 'C', 'cost_per_click', 'running', 10)`,
      [company.id],
    );
    const campaign = await query<{ id: number }>('SELECT id FROM campaigns WHERE company_id = $1', [
      company.id,
    ]);
    const campaignId = campaign.rows[0]?.id as number;

    const spy = jest.spyOn(Client.prototype, 'query');
    const product = await newProduct(company.id, { stock: 10 });
    const companyId = company.id;
    await invoke(getCompany, routes.getCompany, { params: { companyId } });
    await invoke(getProduct, routes.getProduct, { params: { companyId, productId: product.id } });
    await invoke(listProducts, routes.listProducts, { params: { companyId }, query: { q: 'Product' } });
    await invoke(updateProduct, routes.updateProduct, {
      params: { companyId, productId: product.id },
      body: { stock: 9 },
    });
    const order = await placeOrder(companyId, {
      customer: { email: 'router@example.com', name: 'R' },
      items: [{ productId: product.id, quantity: 1 }],
    });
    const byId = await placeOrder(companyId, {
      customer: { id: order.body.customerId },
      items: [{ productId: product.id, quantity: 100 }],
    });
    expect(byId.status).toBe(409);
    const orderId = order.body.id;
    await invoke(getOrder, routes.getOrder, { params: { companyId, orderId } });
    await invoke(listCustomerOrders, routes.listCustomerOrders, {
      params: { companyId, customerId: order.body.customerId },
    });
    await invoke(cancelOrder, routes.cancelOrder, { params: { companyId, orderId } });
    await invoke(listCampaigns, routes.listCampaigns, { params: { companyId }, query: { state: 'running' } });
    await invoke(getCampaign, routes.getCampaign, { params: { companyId, campaignId } });
    const statements = captured(spy);
    spy.mockRestore();

    // Placing and cancelling an order are one call each now, so fewer statements than the
    // 15 of the multi-statement transactions; both calls must be among them.
    expect(statements.map((s) => s.text)).toEqual(
      expect.arrayContaining([PLACE_ORDER_CALL, CANCEL_ORDER_CALL]),
    );
    expect(statements.length).toBeGreaterThanOrEqual(12);
    const fanOut: string[] = [];
    for (const statement of statements) {
      const { rows } = await query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
        `EXPLAIN (FORMAT JSON) ${statement.text}`,
        statement.values,
      );
      const plan = rows[0]?.['QUERY PLAN'][0]?.Plan as PlanNode;
      const tasks = citusTaskCounts(plan);
      if (tasks.length === 0 || tasks.some((t) => t !== 1)) {
        fanOut.push(`${tasks.join(',') || 'no Citus scan'}: ${statement.text.replace(/\s+/g, ' ')}`);
      }
    }
    expect(fanOut).toEqual([]);
  });
});
