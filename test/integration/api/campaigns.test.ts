import { handler as getCampaign } from '../../../functions/campaigns/get';
import { handler as listCampaigns } from '../../../functions/campaigns/list';
import { routes } from '../../../lib/http/routes';
import type { Campaign, CampaignDetail, Page } from '../../../lib/shop/types';
import { closeDb, query } from '../../support/db';
import { invoke } from '../../support/lambda';
import { newCompany } from '../../support/shop';

afterAll(closeDb);

const BUDGETS: [string, string, number | null][] = [
  ['Spring', 'running', 500],
  ['Summer', 'paused', 900],
  ['Autumn', 'running', 900],
  ['Winter', 'archived', 100],
  ['Launch', 'running', null],
  ['Holiday', 'running', 750],
];

async function seedCampaigns(companyId: number): Promise<number[]> {
  const ids: number[] = [];
  for (const [name, state, budget] of BUDGETS) {
    const { rows } = await query<{ id: number }>(
      `INSERT INTO campaigns (company_id, name, cost_model, state, monthly_budget, blacklisted_site_urls)
       VALUES ($1, $2, 'cost_per_click', $3, $4, '{http://spam.example.com}') RETURNING id`,
      [companyId, name, state, budget],
    );
    ids.push(rows[0]?.id as number);
  }
  return ids;
}

describe('campaigns', () => {
  it('should list by monthly budget, largest first, ten by default', async () => {
    const company = await newCompany();
    await seedCampaigns(company.id);
    const reply = await invoke<Page<Campaign>>(listCampaigns, routes.listCampaigns, {
      params: { companyId: company.id },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((c) => [c.name, c.monthlyBudget])).toEqual([
      ['Summer', 900],
      ['Autumn', 900],
      ['Holiday', 750],
      ['Spring', 500],
      ['Winter', 100],
      ['Launch', null],
    ]);
    expect(reply.body.items[0]).toEqual({
      id: expect.any(Number),
      companyId: company.id,
      name: 'Summer',
      costModel: 'cost_per_click',
      state: 'paused',
      monthlyBudget: 900,
    });
    expect(reply.body.nextCursor).toBeNull();
  });

  it('should filter by state and page with a limit', async () => {
    const company = await newCompany();
    await seedCampaigns(company.id);
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const reply = await invoke<Page<Campaign>>(listCampaigns, routes.listCampaigns, {
        params: { companyId: company.id },
        query: cursor ? { state: 'running', limit: 2, cursor } : { state: 'running', limit: 2 },
      });
      names.push(...reply.body.items.map((c) => c.name));
      cursor = reply.body.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual(['Autumn', 'Holiday', 'Spring', 'Launch']);
  });

  it('should refuse an unknown state and answer 404 for an unknown company', async () => {
    const bad = await invoke(listCampaigns, routes.listCampaigns, {
      params: { companyId: 1 },
      query: { state: 'on' },
    });
    expect(bad.status).toBe(400);
    const unknown = await invoke(listCampaigns, routes.listCampaigns, { params: { companyId: 987654321 } });
    expect(unknown.status).toBe(404);
  });

  it('should show a campaign with its ads and their impression and click totals', async () => {
    const company = await newCompany();
    const [campaignId] = await seedCampaigns(company.id);
    const ad = await query<{ id: number }>(
      `INSERT INTO ads (company_id, campaign_id, name, image_url, target_url, impressions_count, clicks_count)
       VALUES ($1, $2, 'Banner', 'http://img.example.com/1.png', 'http://shop.example.com', 10, 2) RETURNING id`,
      [company.id, campaignId],
    );
    const adId = ad.rows[0]?.id;
    for (let i = 0; i < 3; i++) {
      await query(
        `INSERT INTO impressions (company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data)
         VALUES ($1, $2, now(), 'http://news.example.com', 0.002, '10.0.0.1', '{}')`,
        [company.id, adId],
      );
    }
    await query(
      `INSERT INTO clicks (company_id, ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data)
       VALUES ($1, $2, now(), 'http://news.example.com', 0.5, '10.0.0.1', '{}')`,
      [company.id, adId],
    );
    const reply = await invoke<CampaignDetail>(getCampaign, routes.getCampaign, {
      params: { companyId: company.id, campaignId: campaignId as number },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      name: 'Spring',
      blacklistedSiteUrls: ['http://spam.example.com'],
      ads: [{ id: adId, name: 'Banner', impressionsCount: 10, clicksCount: 2, impressions: 3, clicks: 1 }],
    });
    const other = await newCompany();
    const hidden = await invoke(getCampaign, routes.getCampaign, {
      params: { companyId: other.id, campaignId: campaignId as number },
    });
    expect(hidden.status).toBe(404);
  });
});
