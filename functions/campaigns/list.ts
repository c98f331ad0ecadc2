import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { listCampaigns } from '../../lib/shop/campaigns';

export const handler = httpHandler(routes.listCampaigns, async ({ params, query }) =>
  ok(await listCampaigns(params.companyId, query)),
);
