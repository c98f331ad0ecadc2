/**
 * What a seed run is asked to do, validated once for the command line and the job alike:
 * the tutorial's CSV files (a directory or a URL), or a generated shop (`--companies N`
 * or the `--demo` preset, with per-company sizes and a seed).
 */
import * as z from '../../zod';
import { SeedUsageError } from './errors';
import type { GenerateOptions } from './generate';

const whole = (min: number, max: number) =>
  z.optional(
    z.coerce
      .number({ error: 'must be a number' })
      .check(
        z.int({ error: 'must be a whole number' }),
        z.minimum(min, { error: `must be at least ${min}` }),
        z.maximum(max, { error: `must be at most ${max}` }),
      ),
  );

export const seedRequestSchema = z.strictObject({
  /** The small demo shop; explicit sizes override its values. */
  demo: z.optional(z.boolean()),
  /** A directory holding the tutorial's CSV files. */
  tutorialDir: z.optional(z.string().check(z.trim(), z.minLength(1, { error: 'must name a directory' }))),
  /** A base URL to download the tutorial's CSV files from first. */
  tutorialUrl: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  companies: whole(1, 10_000_000),
  productsPerCompany: whole(0, 1_000_000),
  customersPerCompany: whole(0, 1_000_000),
  ordersPerCompany: whole(0, 10_000_000),
  campaignsPerCompany: whole(0, 10_000),
  adsPerCampaign: whole(0, 100),
  impressionsPerAd: whole(0, 100_000),
  seed: whole(0, 0xffff_ffff),
  skewed: z.optional(z.boolean()),
  /** Truncate every seeded table first. */
  reset: z.optional(z.boolean()),
  /** Skip (successfully) when the database already has data. */
  ifEmpty: z.optional(z.boolean()),
});

export type SeedRequest = z.input<typeof seedRequestSchema>;

export type SeedSource =
  | { kind: 'tutorial'; dir: string }
  | { kind: 'tutorial-url'; url: string }
  | { kind: 'generate'; options: GenerateOptions };

export interface SeedJob {
  source: SeedSource;
  reset: boolean;
  ifEmpty: boolean;
}

export const DEMO = {
  companies: 10,
  productsPerCompany: 20,
  customersPerCompany: 10,
  ordersPerCompany: 10,
  campaignsPerCompany: 3,
  seed: 42,
} as const;

export const DEFAULTS: Omit<GenerateOptions, 'companies'> = {
  productsPerCompany: 100,
  customersPerCompany: 50,
  ordersPerCompany: 200,
  campaignsPerCompany: 3,
  adsPerCampaign: 2,
  impressionsPerAd: 20,
  seed: 42,
  skewed: false,
};

const GENERATION_KEYS = [
  'companies',
  'productsPerCompany',
  'customersPerCompany',
  'ordersPerCompany',
  'campaignsPerCompany',
  'adsPerCampaign',
  'impressionsPerAd',
  'seed',
  'skewed',
] as const;

/**
 * Validates a request; throws SeedUsageError naming each bad option through `nameOf`
 * (the command line names them as flags, the job as event fields).
 */
export function resolveSeedRequest(input: unknown, nameOf: (key: string) => string = (k) => k): SeedJob {
  const parsed = seedRequestSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown option ${issue.keys.map(nameOf).join(', ')}`;
      const key = issue.path[0];
      return `${typeof key === 'string' ? nameOf(key) : 'options'} ${issue.message}`;
    });
    throw new SeedUsageError(problems.join('; '));
  }
  const request = parsed.data;
  const sources = [
    request.tutorialDir !== undefined && nameOf('tutorialDir'),
    request.tutorialUrl !== undefined && nameOf('tutorialUrl'),
    (request.companies !== undefined || request.demo) && `${nameOf('companies')} or ${nameOf('demo')}`,
  ].filter((s): s is string => typeof s === 'string');
  if (sources.length !== 1) {
    throw new SeedUsageError(
      sources.length === 0
        ? `nothing to seed: give ${nameOf('tutorialDir')}, ${nameOf('tutorialUrl')}, ${nameOf('companies')} or ${nameOf('demo')}`
        : `choose one of ${sources.join(', ')}`,
    );
  }
  if (request.reset && request.ifEmpty) {
    throw new SeedUsageError(`${nameOf('reset')} and ${nameOf('ifEmpty')} contradict each other; give one`);
  }
  const common = { reset: request.reset ?? false, ifEmpty: request.ifEmpty ?? false };
  if (request.tutorialDir !== undefined || request.tutorialUrl !== undefined) {
    const stray = GENERATION_KEYS.filter((key) => request[key] !== undefined);
    if (stray.length > 0) {
      throw new SeedUsageError(
        `${stray.map(nameOf).join(', ')} only apply to generated data, not to the tutorial files`,
      );
    }
    return {
      ...common,
      source:
        request.tutorialDir !== undefined
          ? { kind: 'tutorial', dir: request.tutorialDir }
          : { kind: 'tutorial-url', url: request.tutorialUrl as string },
    };
  }
  const base = request.demo ? { ...DEFAULTS, ...DEMO } : DEFAULTS;
  const defined = Object.fromEntries(
    GENERATION_KEYS.filter((k) => request[k] !== undefined).map((k) => [k, request[k]]),
  );
  const options = { ...base, companies: DEMO.companies, ...defined } as GenerateOptions;
  if (
    options.ordersPerCompany > 0 &&
    (options.productsPerCompany === 0 || options.customersPerCompany === 0)
  ) {
    throw new SeedUsageError(
      `orders need products and customers: ${nameOf('ordersPerCompany')} > 0 needs ${nameOf('productsPerCompany')} and ${nameOf('customersPerCompany')} > 0`,
    );
  }
  return { ...common, source: { kind: 'generate', options } };
}
