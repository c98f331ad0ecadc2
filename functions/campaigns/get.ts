import { httpHandler, ok } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';
import { getCampaign } from '../../lib/shop/campaigns';

export const handler = httpHandler(routes.getCampaign, async ({ params }) =>
  ok(await getCampaign(params.companyId, params.campaignId)),
);
