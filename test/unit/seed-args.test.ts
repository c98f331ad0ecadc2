import { jobFromEvent } from '../../functions/jobs/seed';
import { parseSeedArgs } from '../../lib/jobs/seed/args';
import { SeedUsageError } from '../../lib/jobs/seed/errors';
import { DEFAULTS, DEMO } from '../../lib/jobs/seed/options';

function usageError(argv: string[]): string {
  try {
    parseSeedArgs(argv);
  } catch (error: unknown) {
    if (error instanceof SeedUsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('seed command line', () => {
  it('should give the demo preset for --demo', () => {
    expect(parseSeedArgs(['--demo', '--if-empty'])).toEqual({
      reset: false,
      ifEmpty: true,
      source: { kind: 'generate', options: { ...DEFAULTS, ...DEMO } },
    });
  });

  it('should let explicit sizes override the demo preset', () => {
    const job = parseSeedArgs(['--demo', '--orders-per-company', '3', '--skewed']);
    expect(job?.source).toEqual({
      kind: 'generate',
      options: { ...DEFAULTS, ...DEMO, ordersPerCompany: 3, skewed: true },
    });
  });

  it('should read every size flag and the seed', () => {
    const job = parseSeedArgs([
      '--companies=1000',
      '--products-per-company',
      '1000',
      '--customers-per-company',
      '100',
      '--orders-per-company',
      '1000',
      '--campaigns-per-company',
      '2',
      '--ads-per-campaign',
      '1',
      '--impressions-per-ad',
      '0',
      '--seed',
      '7',
      '--reset',
    ]);
    expect(job).toEqual({
      reset: true,
      ifEmpty: false,
      source: {
        kind: 'generate',
        options: {
          companies: 1000,
          productsPerCompany: 1000,
          customersPerCompany: 100,
          ordersPerCompany: 1000,
          campaignsPerCompany: 2,
          adsPerCampaign: 1,
          impressionsPerAd: 0,
          seed: 7,
          skewed: false,
        },
      },
    });
  });

  it('should read the tutorial sources', () => {
    expect(parseSeedArgs(['--tutorial', 'data/tutorial'])?.source).toEqual({
      kind: 'tutorial',
      dir: 'data/tutorial',
    });
    expect(parseSeedArgs(['--tutorial-url', 'http://127.0.0.1:8080/tutorial'])?.source).toEqual({
      kind: 'tutorial-url',
      url: 'http://127.0.0.1:8080/tutorial',
    });
  });

  it('should return null for --help', () => {
    expect(parseSeedArgs(['--help'])).toBeNull();
  });

  it('should refuse bad arguments with a message naming the flag', () => {
    expect(usageError([])).toMatch(/nothing to seed: give --tutorial, --tutorial-url, --companies or --demo/);
    expect(usageError(['--bogus'])).toMatch(/Unknown option '--bogus'/);
    expect(usageError(['extra'])).toMatch(/positional argument/);
    expect(usageError(['--companies', 'abc'])).toBe('--companies must be a number');
    expect(usageError(['--companies', '2.5'])).toBe('--companies must be a whole number');
    expect(usageError(['--companies', '0'])).toBe('--companies must be at least 1');
    expect(usageError(['--companies', '5', '--seed=-1'])).toBe('--seed must be at least 0');
    expect(usageError(['--companies', '5', '--seed', '-1'])).toMatch(/Option '--seed' argument is ambiguous/);
    expect(usageError(['--companies'])).toMatch(/--companies/);
    expect(usageError(['--demo', '--reset', '--if-empty'])).toMatch(/--reset and --if-empty contradict/);
    expect(usageError(['--demo', '--tutorial', 'x'])).toMatch(
      /choose one of --tutorial, --companies or --demo/,
    );
    expect(usageError(['--tutorial', 'x', '--seed', '3'])).toMatch(/--seed only apply to generated data/);
    expect(usageError(['--tutorial-url', 'ftp://example.com/x'])).toBe(
      '--tutorial-url must be an http(s) URL',
    );
    expect(usageError(['--companies', '2', '--products-per-company', '0'])).toMatch(
      /--orders-per-company > 0 needs --products-per-company and --customers-per-company > 0/,
    );
  });
});

describe('seed job event', () => {
  it('should seed the demo shop into an empty database for a schedule without input', () => {
    const envelope = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    for (const event of [envelope, {}, null, undefined]) {
      expect(jobFromEvent(event)).toEqual({
        reset: false,
        ifEmpty: true,
        source: { kind: 'generate', options: { ...DEFAULTS, ...DEMO } },
      });
    }
  });

  it('should take the options from the event, validated', () => {
    expect(jobFromEvent({ companies: 3, seed: 9, reset: true }).source).toEqual({
      kind: 'generate',
      options: { ...DEFAULTS, companies: 3, seed: 9 },
    });
    expect(() => jobFromEvent({ companies: -1 })).toThrow('companies must be at least 1');
    expect(() => jobFromEvent({ companie: 3 })).toThrow('unknown option companie');
  });
});
