/**
 * docs/configuration.md, generated from lib/config/: a table for each section of its
 * `settings`, a row for each variable with its default, the values its schema accepts (a
 * range, a list, or the words its metadata gives) and its description, between prose
 * that is about no one setting and lives here. `npm run docs:config` (infra/docs-config.ts)
 * writes the file; test/unit/docs.test.ts fails while the committed file differs.
 */
import path from 'node:path';
import { type SettingMeta, settings } from '../../lib/config';
import * as z from '../../lib/zod';
import { POOLER_POOL_SIZE } from '../pgbouncer/ini';

export const configurationDocPath = path.join(__dirname, '../../docs/configuration.md');

type SectionName = keyof typeof settings;
type SettingName = { [S in SectionName]: keyof ReturnType<(typeof settings)[S]> }[SectionName];

interface Section {
  heading: string;
  /** Who reads the section, after `settings.<name>`. */
  intro: string;
}

/**
 * Each section of `settings` as the document heads it, in the order of `settings`.
 * connectionBounds has no heading of its own: the database and local cluster sections
 * include it.
 */
const sections: Record<SectionName, Section | undefined> = {
  database: { heading: 'Database', intro: "the functions' connection to the coordinator." },
  connectionBounds: undefined,
  http: { heading: 'HTTP', intro: 'the HTTP functions ([the API](api.md)).' },
  log: { heading: 'Logging', intro: 'the functions and the command lines.' },
  setup: {
    heading: 'Setup',
    intro:
      '[setup](operations.md#setup) (`npm run setup`, `./init.sh`, the `setup` function), besides `DATABASE_URL`.',
  },
  localCluster: {
    heading: 'The local cluster launcher',
    intro:
      "[the local cluster](operations.md#the-local-cluster) (`npm run cluster`, `npm start`, the test tiers), and the connection bounds that it writes into its PgBouncer's configuration ([PgBouncer](#pgbouncer)).",
  },
  bench: { heading: 'The benchmark', intro: '[`npm run bench`](performance.md#running-the-benchmark).' },
  cli: { heading: 'Command lines', intro: 'the command lines (`npm run ...`).' },
};

/** Where the guides say more of a setting, after its description. */
const seeAlso: Partial<Record<SettingName, string>> = {
  CORS_ORIGINS: '[CORS](api.md#browsers-cors)',
  DB_STATEMENT_TIMEOUT_MS: '[PgBouncer](#pgbouncer)',
  DB_NODE_CONNECT_TIMEOUT_MS: '[PgBouncer](#pgbouncer)',
};

const HEADER = `<!--
  Generated from lib/config/ by \`npm run docs:config\` (infra/docs/configuration.ts): edit
  a setting's schema and description there, the prose around the tables in the generator,
  then run the script. test/unit/docs.test.ts fails while this file differs from what it writes.
-->
# Configuration

Every environment variable the code reads is parsed with zod in \`lib/config/\` on first
use; a missing or malformed one stops the function or command with a message naming it.
An empty variable counts as unset. Each tool reads only its sections: a function reads
[database](#database), [HTTP](#http), [logging](#logging) and [setup](#setup); the local
cluster launcher reads [its own](#the-local-cluster-launcher); the benchmark
[its own](#the-benchmark).`;

const PGBOUNCER = `Behind PgBouncer (transaction pooling) a session's settings cannot travel from the
function: PgBouncer ignores the two startup parameters (\`DB_STATEMENT_TIMEOUT_MS\`,
\`DB_NODE_CONNECT_TIMEOUT_MS\`) and sets the same bounds on each connection it opens to the
coordinator (\`connect_query\`). The local cluster writes them from these two variables;
\`infra/pgbouncer/pgbouncer.ini\`, which compose's \`pgbouncer\` service uses, has their
defaults, and \`test/unit/pgbouncer-ini.test.ts\` holds that file equal to what the launcher
would write with them. At most ${POOLER_POOL_SIZE} coordinator connections per database, in both.`;

const NOT_IN_CONFIG = `Read by the scripts and files around the code, not by it:

| variable | read by | meaning |
| --- | --- | --- |
| \`HTTP_PORT\`, \`LAMBDA_PORT\` | \`npm start\`, \`serverless.yml\` | serverless-offline's ports (3000, 3002) |
| \`SEED_ARGS\` | \`./init.sh\`, \`npm start\`, compose's \`setup\` | the seed step's flags (default \`--demo --if-empty\`; [seeding](seeding.md)) |
| \`MAINTENANCE_SCHEDULE\` | \`serverless.yml\` | the maintenance function's schedule (default \`rate(1 hour)\`) |
| \`ESBUILD_WORK_FOLDER\` | \`serverless.yml\` | serverless-esbuild's work folder (default \`.esbuild\`): one of its own lets \`serverless package\` run beside a running serverless-offline ([the test tiers](reliability.md#the-test-tiers)) |
| \`CITUS_IMAGE\`, \`PGBOUNCER_IMAGE\`, \`COORDINATOR_PORT\`, \`POOLER_PORT\`, \`POSTGRES_PASSWORD\` | \`docker-compose.yml\` | the images, the published ports (5432, 6432) and the image's password ([compose](operations.md#docker-compose)) |
| \`POWERTOOLS_LOGGER_SAMPLE_RATE\` | Powertools' Logger; \`serverless.yml\` (default 0) | the share of requests (0 to 1) logged at debug whatever \`LOG_LEVEL\` says ([logs and metrics](operations.md#logs-and-metrics)) |
| \`POWERTOOLS_METRICS_DISABLED\` | Powertools' Metrics; \`serverless.yml\` (default false; \`npm start\` sets true) | no metric lines |
| \`POWERTOOLS_METRICS_NAMESPACE\` | \`lib/metrics.ts\` (default \`DistribuShop\`) | the metrics' CloudWatch namespace |
| \`POWERTOOLS_DEV\` | Powertools; the tests set it | pretty-printed lines through the global console, no metric lines |
| \`CHROMIUM_PATH\`, \`SCREENSHOTS_DIR\`, \`FC_SEED\`, \`FC_PATH\`, \`FC_RUNS\`, \`FC_HTTP_RUNS\`, \`API_SESSION\` | the tests | [the test tiers](reliability.md#the-test-tiers) |`;

/** The sections after the settings' own: headings and text. */
const closing = [
  { heading: 'PgBouncer', text: PGBOUNCER },
  { heading: 'Not in lib/config/', text: NOT_IN_CONFIG },
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

type Json = Record<string, unknown>;

/** The setting's JSON Schema as it is set (zod's conversion), with its metadata merged in. */
const jsonSchemaOf = (name: string, schema: z.ZodMiniType): Json & Partial<SettingMeta> => {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  if (typeof json.description !== 'string') throw new Error(`${name} has no description in lib/config/`);
  return json;
};

/** The default column: required, the default value, or unset and what that means. */
function defaultOf(schema: z.ZodMiniType, json: Partial<SettingMeta>): string {
  const unset = z.safeParse(schema, undefined);
  if (!unset.success) return 'required';
  if (typeof unset.data === 'number' || typeof unset.data === 'string') return String(unset.data);
  return json.unset === undefined ? 'unset' : `unset: ${json.unset}`;
}

/** The values column: the words of the metadata, else the list, range or length the schema checks. */
function valuesOf(name: string, json: Json & Partial<SettingMeta>): string {
  if (json.values !== undefined) return json.values;
  if (Array.isArray(json.enum)) return json.enum.join(', ');
  if (typeof json.minimum === 'number' && typeof json.maximum === 'number')
    return `${json.minimum}–${json.maximum}`;
  if (json.type === 'string' && typeof json.minLength === 'number' && json.pattern === undefined)
    return `${json.minLength} characters or more`;
  throw new Error(
    `${name}: say in words what it accepts (\`values\` in its metadata in lib/config/): its schema says no range or list`,
  );
}

const cell = (text: string) => text.replaceAll('\n', ' ').replaceAll('|', '\\|');

/** The names of every setting. */
const names = () => new Set(Object.values(settings).flatMap((shape) => Object.keys(shape())));

/** The text with each setting's name it mentions (one with an underscore: not CI) set as code. */
function asCode(text: string, known: Set<string>): string {
  return text.replace(/(?<![`\w])[A-Z][A-Z0-9]*_[A-Z0-9_]+(?![`\w])/g, (word) =>
    known.has(word) ? `\`${word}\`` : word,
  );
}

/**
 * A variable's row; one that the section `sameAs` already has, with the same schema and
 * description, points to that section's row instead of repeating it.
 */
function row(name: string, schema: z.ZodMiniType, sameAs: string | undefined, known: Set<string>): string {
  const json = jsonSchemaOf(name, schema);
  let values: string;
  let meaning: string;
  if (sameAs !== undefined) {
    values = meaning = `as in [${sameAs.toLowerCase()}](#${anchor(sameAs)})`;
  } else {
    const more = seeAlso[name as SettingName];
    values = valuesOf(name, json);
    meaning = asCode(`${json.description}${more === undefined ? '' : ` (${more})`}`, known);
  }
  return `| \`${name}\` | ${[defaultOf(schema, json), values, meaning].map(cell).join(' | ')} |`;
}

/** The whole of docs/configuration.md. */
export function configurationDoc(): string {
  const known = names();
  /** Each variable's first section, and its schema there. */
  const first = new Map<string, { heading: string; json: string }>();
  const parts: { heading: string; text: string }[] = [];
  for (const [name, shape] of Object.entries(settings) as [
    SectionName,
    () => Record<string, z.ZodMiniType>,
  ][]) {
    const section = sections[name];
    if (section === undefined) continue;
    const rows = Object.entries(shape()).map(([variable, schema]) => {
      const json = JSON.stringify(jsonSchemaOf(variable, schema));
      const earlier = first.get(variable);
      if (earlier === undefined) first.set(variable, { heading: section.heading, json });
      return row(variable, schema, earlier?.json === json ? earlier.heading : undefined, known);
    });
    parts.push({
      heading: section.heading,
      text: [
        `\`settings.${name}\`: ${section.intro}`,
        '',
        '| variable | default | values | meaning |',
        '| --- | --- | --- | --- |',
        ...rows,
      ].join('\n'),
    });
  }
  const missing = [...known].filter((variable) => !first.has(variable));
  if (missing.length > 0) throw new Error(`No section documents ${missing.join(', ')}`);
  const all = [...parts, ...closing];
  return `${[
    HEADER,
    all.map((part) => `- [${part.heading}](#${anchor(part.heading)})`).join('\n'),
    ...all.map((part) => `## ${part.heading}\n\n${part.text}`),
  ].join('\n\n')}\n`;
}
