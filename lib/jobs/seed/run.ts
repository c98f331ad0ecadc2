/**
 * A seed run from start to end: the data (tutorial files, downloaded first when given a
 * URL, or a generated shop), its own bulk connection to the coordinator, one load, a
 * summary. The command line (infra/seed.ts) and the job (functions/jobs/seed.ts) call this.
 */
import { rm } from 'node:fs/promises';
import { openBulkSession } from '../../db/copy';
import { type GenerateOptions, generatedTables } from './generate';
import { type LoadResult, type LoadSource, loadSources } from './load';
import type { SeedJob } from './options';
import type { Progress } from './progress';
import { downloadTutorial, tutorialSources } from './tutorial';

export interface SeedRunOptions {
  /** The coordinator; default DATABASE_URL. */
  databaseUrl?: string;
  /** Makes the progress display once the total row count is known; none by default. */
  progress?: (totalRows: number) => Progress;
}

export interface SeedSummary extends LoadResult {
  /** What was loaded, for people. */
  description: string;
}

function describeGenerated(o: GenerateOptions): string {
  return (
    `a generated shop (seed ${o.seed}, ${o.companies} companies${o.skewed ? ', skewed sizes' : ''}; per company ` +
    `${o.productsPerCompany} products, ${o.customersPerCompany} customers, ${o.ordersPerCompany} orders, ` +
    `${o.campaignsPerCompany} campaigns)`
  );
}

/** Runs `job`; throws SeedUsageError, SeedRefusedError, TutorialDataError or a database error. */
export async function runSeed(job: SeedJob, run: SeedRunOptions = {}): Promise<SeedSummary> {
  let downloaded: string | undefined;
  try {
    let sources: LoadSource[];
    let description: string;
    // Generated rows are consistent by construction; the tutorial's files are checked here
    // and their server-side errors traced to a line, which needs the per-row checks.
    let trusted = false;
    switch (job.source.kind) {
      case 'tutorial-url':
        downloaded = await downloadTutorial(job.source.url);
        sources = await tutorialSources(downloaded);
        description = `the Citus tutorial files from ${job.source.url}`;
        break;
      case 'tutorial':
        sources = await tutorialSources(job.source.dir);
        description = `the Citus tutorial files in ${job.source.dir}`;
        break;
      case 'generate':
        sources = generatedTables(job.source.options);
        description = describeGenerated(job.source.options);
        trusted = true;
        break;
    }
    const session = openBulkSession(run.databaseUrl, { applicationName: 'distribushop-seed' });
    try {
      const result = await loadSources(session, sources, {
        reset: job.reset,
        ifEmpty: job.ifEmpty,
        progress: run.progress,
        deferIndexesAndForeignKeys: trusted,
      });
      return { ...result, description };
    } finally {
      await session.end();
    }
  } finally {
    if (downloaded) await rm(downloaded, { recursive: true, force: true });
  }
}

const number = (value: number) => Math.round(value).toLocaleString('en-US');

/** A readable summary: rows per table, seconds, rows/s, and the ids handed out next. */
export function formatSeedSummary(summary: SeedSummary): string {
  if (summary.skipped) return `seed skipped: ${summary.skipped}; --if-empty leaves it as it is`;
  const lines = [
    `Seeded ${summary.description}:`,
    ...summary.tables.map((t) => `  ${t.table.padEnd(12)} ${number(t.rows).padStart(12)} rows`),
    `  ${'total'.padEnd(12)} ${number(summary.rows).padStart(12)} rows in ${summary.seconds.toFixed(1)} s, ` +
      `${number(summary.rowsPerSecond)} rows/s`,
    `Next ids: ${Object.entries(summary.nextIds)
      .map(([table, id]) => `${table} ${id}`)
      .join(', ')}`,
  ];
  return lines.join('\n');
}
