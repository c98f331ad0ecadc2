import path from 'node:path';
import { TutorialDataError } from '../../lib/jobs/seed/errors';
import { tutorialSources } from '../../lib/jobs/seed/tutorial';

const fixtures = path.join(__dirname, '..', 'fixtures');

async function problem(name: string): Promise<TutorialDataError> {
  try {
    await tutorialSources(path.join(fixtures, 'tutorial-bad', name));
  } catch (error: unknown) {
    if (error instanceof TutorialDataError) return error;
    throw error;
  }
  throw new Error(`${name} passed the checks`);
}

describe('tutorial files', () => {
  it('should accept the fixture set, in load order, with its row counts', async () => {
    const sources = await tutorialSources(path.join(fixtures, 'tutorial'));
    expect(sources.map((s) => [s.table, s.rows])).toEqual([
      ['companies', 6],
      ['campaigns', 18],
      ['ads', 7],
      ['impressions', 5],
      ['clicks', 4],
      ['geo_ips', 3],
    ]);
  });

  it('should load only the optional files that are present', async () => {
    const sources = await tutorialSources(path.join(fixtures, 'tutorial-bad', 'duplicate-click'));
    expect(sources.map((s) => s.table)).toEqual(['companies', 'campaigns', 'ads', 'clicks']);
  });

  it.each([
    [
      'missing-ads',
      'ads.csv',
      undefined,
      /ads\.csv missing in .*missing-ads \(companies\.csv, campaigns\.csv and ads\.csv are required\)/,
    ],
    [
      'wrong-column-count',
      'campaigns.csv',
      2,
      /^campaigns\.csv line 2: expected 9 columns \(id, company_id, name, cost_model, state, monthly_budget, blacklisted_site_urls, created_at, updated_at\), found 8$/,
    ],
    ['bad-value', 'ads.csv', 2, /^ads\.csv line 2, column impressions_count: "lots" is not a whole number/],
    [
      'bad-timestamp',
      'companies.csv',
      2,
      /^companies\.csv line 2, column created_at: "2015-02-30 11:30:45" is not a timestamp/,
    ],
    [
      'unknown-company',
      'campaigns.csv',
      2,
      /^campaigns\.csv line 2: company_id 99 is not in companies\.csv$/,
    ],
    ['unterminated-quote', 'campaigns.csv', 1, /^campaigns\.csv line 1: unterminated quoted field/],
    [
      'header-row',
      'companies.csv',
      1,
      /^companies\.csv line 1, column id: .*\(the tutorial files have no header row\)$/,
    ],
    // The second record starts on line 3: its first spans two lines.
    [
      'bad-json',
      'clicks.csv',
      3,
      /^clicks\.csv line 3, column user_data: .* holds \\u0000, which jsonb cannot store$/,
    ],
  ])('should name the file and line of %s', async (name, file, line, message) => {
    const error = await problem(name);
    expect(error.message).toMatch(message);
    expect(error.file).toBe(file);
    expect(error.line).toBe(line);
  });

  it('should leave what only the server can find (duplicate ids in the big files, cidr details) to the load', async () => {
    for (const name of ['duplicate-click', 'bad-network']) {
      await expect(tutorialSources(path.join(fixtures, 'tutorial-bad', name))).resolves.toBeDefined();
    }
  });
});
