/** Ad campaigns (the Citus tutorial's tables) as an API. */
import { db, type Queryable, REPEATABLE } from '../db';
import { NotFoundError } from '../errors';
import { assertCompany } from './companies';
import { cursorKeys, decodeCursor, toPage } from './cursor';
import type { Campaign, CampaignDetail, Page, PageOptions } from './types';

interface CampaignRow {
  id: number;
  company_id: number;
  name: string;
  cost_model: Campaign['costModel'];
  state: Campaign['state'];
  monthly_budget: number | null;
  blacklisted_site_urls: string[] | null;
}

const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  companyId: r.company_id,
  name: r.name,
  costModel: r.cost_model,
  state: r.state,
  monthlyBudget: r.monthly_budget,
});

/** The original project's query, as a page: largest monthly budget first (no budget last), then id. */
export async function listCampaigns(
  companyId: number,
  opts: PageOptions & { state?: Campaign['state'] },
  database: Queryable = db(),
): Promise<Page<Campaign>> {
  const after = decodeCursor(opts.cursor, cursorKeys.campaigns);
  const { rows } = await database.query<CampaignRow & { budget_key: number }>(
    `SELECT id, company_id, name, cost_model, state, monthly_budget, blacklisted_site_urls,
            coalesce(monthly_budget, -1) AS budget_key
       FROM campaigns
      WHERE company_id = $1 AND ($2::text IS NULL OR state = $2)
        AND ($3::bigint IS NULL OR (coalesce(monthly_budget, -1), -id) < ($3, -$4::bigint))
      ORDER BY coalesce(monthly_budget, -1) DESC, id
      LIMIT $5`,
    [companyId, opts.state ?? null, after?.[0] ?? null, after?.[1] ?? null, opts.limit + 1],
    REPEATABLE,
  );
  if (rows.length === 0 && !after) await assertCompany(companyId, database);
  return toPage(rows, opts.limit, toCampaign, (r) => [r.budget_key, r.id]);
}

export async function getCampaign(
  companyId: number,
  campaignId: number,
  database: Queryable = db(),
): Promise<CampaignDetail> {
  const { rows } = await database.query<CampaignRow>(
    `SELECT id, company_id, name, cost_model, state, monthly_budget, blacklisted_site_urls
       FROM campaigns WHERE company_id = $1 AND id = $2`,
    [companyId, campaignId],
    REPEATABLE,
  );
  const campaign = rows[0];
  if (!campaign) throw new NotFoundError(`Campaign ${campaignId} does not exist in company ${companyId}`);
  const ads = await database.query<{
    id: number;
    name: string;
    image_url: string | null;
    target_url: string | null;
    impressions_count: number;
    clicks_count: number;
    impressions: number;
    clicks: number;
  }>(
    // Totals: the daily rollup (maintenance) plus the events past its watermark, read in
    // one statement, so they equal the raw counts at every moment: the rollup and its
    // watermark move together in one transaction. Every distributed table names the
    // tenant and ad_stats_rollups is a reference table, so Citus plans this as one
    // single-shard query (a correlated subquery on a.company_id alone would fan out).
    `SELECT a.id, a.name, a.image_url, a.target_url, a.impressions_count, a.clicks_count,
            coalesce(r.impressions, 0) + coalesce(i.n, 0) AS impressions,
            coalesce(r.clicks, 0) + coalesce(c.n, 0) AS clicks
       FROM ads a
       LEFT JOIN (SELECT ad_id, sum(impressions)::bigint AS impressions, sum(clicks)::bigint AS clicks
                    FROM ad_stats_daily WHERE company_id = $1 GROUP BY ad_id) r ON r.ad_id = a.id
       LEFT JOIN (SELECT e.ad_id, count(*) AS n FROM impressions e JOIN ad_stats_rollups w ON w.name = 'impressions'
                   WHERE e.company_id = $1 AND e.id > w.last_aggregated_id GROUP BY e.ad_id) i ON i.ad_id = a.id
       LEFT JOIN (SELECT e.ad_id, count(*) AS n FROM clicks e JOIN ad_stats_rollups w ON w.name = 'clicks'
                   WHERE e.company_id = $1 AND e.id > w.last_aggregated_id GROUP BY e.ad_id) c ON c.ad_id = a.id
      WHERE a.company_id = $1 AND a.campaign_id = $2
      ORDER BY a.id`,
    [companyId, campaignId],
    REPEATABLE,
  );
  return {
    ...toCampaign(campaign),
    blacklistedSiteUrls: campaign.blacklisted_site_urls ?? [],
    ads: ads.rows.map((a) => ({
      id: a.id,
      name: a.name,
      imageUrl: a.image_url,
      targetUrl: a.target_url,
      impressionsCount: a.impressions_count,
      clicksCount: a.clicks_count,
      impressions: a.impressions,
      clicks: a.clicks,
    })),
  };
}
