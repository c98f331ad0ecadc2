/** The seed command line: flags to a validated job (node:util parseArgs, then the shared schema). */
import { parseArgs } from 'node:util';
import { SeedUsageError } from './errors';
import { DEFAULTS, DEMO, resolveSeedRequest, type SeedJob, type SeedRequest } from './options';

export const SEED_USAGE = `usage: npm run seed -- (--demo | --companies N [sizes] | --tutorial DIR | --tutorial-url URL) [--reset | --if-empty]

  --demo                      a small shop: ${DEMO.companies} companies, each ${DEMO.productsPerCompany} products, ${DEMO.customersPerCompany} customers,
                              ${DEMO.ordersPerCompany} orders, ${DEMO.campaignsPerCompany} campaigns; seed ${DEMO.seed} (sizes below override it)
  --companies N               a generated shop of N companies, each with:
    --products-per-company P    products (default ${DEFAULTS.productsPerCompany})
    --customers-per-company C   customers (default ${DEFAULTS.customersPerCompany})
    --orders-per-company O      orders of 1-4 items each (default ${DEFAULTS.ordersPerCompany})
    --campaigns-per-company K   ad campaigns (default ${DEFAULTS.campaignsPerCompany})
    --ads-per-campaign A        ads per campaign, on average (default ${DEFAULTS.adsPerCampaign})
    --impressions-per-ad I      impression rows per ad, on average; clicks are 1-8% of them (default ${DEFAULTS.impressionsPerAd})
    --seed S                    the same seed gives the same data, byte for byte (default ${DEFAULTS.seed})
    --skewed                    Zipf-sized tenants: company 1 largest, a long tail of small ones
  --tutorial DIR              the Citus tutorial's CSV files in DIR (companies, campaigns, ads required;
                              clicks, impressions, geo_ips when present)
  --tutorial-url URL          download those files from URL first
  --reset                     empty every seeded table first (deletes all shop data)
  --if-empty                  do nothing, successfully, when the database already has data
  --help                      this text

The database is DATABASE_URL (the coordinator).`;

/** Flag name → request field. */
const FLAGS = {
  demo: 'demo',
  companies: 'companies',
  'products-per-company': 'productsPerCompany',
  'customers-per-company': 'customersPerCompany',
  'orders-per-company': 'ordersPerCompany',
  'campaigns-per-company': 'campaignsPerCompany',
  'ads-per-campaign': 'adsPerCampaign',
  'impressions-per-ad': 'impressionsPerAd',
  seed: 'seed',
  skewed: 'skewed',
  tutorial: 'tutorialDir',
  'tutorial-url': 'tutorialUrl',
  reset: 'reset',
  'if-empty': 'ifEmpty',
} as const satisfies Record<string, keyof SeedRequest>;

const BOOLEAN_FLAGS = new Set(['demo', 'skewed', 'reset', 'if-empty']);

/** Parses the command line into a validated job; throws SeedUsageError. Returns null for --help. */
export function parseSeedArgs(argv: string[]): SeedJob | null {
  const options = Object.fromEntries(
    [...Object.keys(FLAGS), 'help'].map((flag) => [
      flag,
      { type: BOOLEAN_FLAGS.has(flag) || flag === 'help' ? ('boolean' as const) : ('string' as const) },
    ]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error: unknown) {
    // Not `instanceof Error`: node's own errors come from another realm under jest.
    const message = (error as { message?: unknown }).message;
    throw new SeedUsageError(typeof message === 'string' ? message : String(error));
  }
  if (values.help) return null;
  const request: Record<string, string | boolean> = {};
  for (const [flag, field] of Object.entries(FLAGS)) {
    const value = values[flag];
    if (value !== undefined) request[field] = value;
  }
  const flagOf = new Map<string, string>(Object.entries(FLAGS).map(([flag, field]) => [field, `--${flag}`]));
  return resolveSeedRequest(request, (field) => flagOf.get(field) ?? field);
}
