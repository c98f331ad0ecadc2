/**
 * The Citus multi-tenant tutorial's CSV files, loaded as published: headerless CSV, the
 * tutorial's columns in its order, timestamps without time zone, campaigns'
 * blacklisted_site_urls as PostgreSQL array literals. companies, campaigns and ads are
 * required; clicks, impressions and geo_ips load when present.
 *
 * Every file is checked before anything is written (column count, every value, keys and
 * references between the files), so a bad file is named with its line and nothing is
 * touched; PostgreSQL's own COPY then parses the files as they are. An error the server
 * still finds (a duplicate click id, say) is traced back to the file and line too, and
 * the load's one transaction rolls back.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CAMPAIGN_STATES, COST_MODELS } from '../../db/catalog';
import { databaseError, messageOf } from '../../db/errors';
import { CsvSyntaxError, readCsv } from './csv';
import { TutorialDataError } from './errors';
import type { LoadSource } from './load';
import { SEED_COLUMNS } from './tables';

type Check = (value: string) => string | undefined;
/** A column's rule: `null` (an unquoted empty field) allowed or not, and a check of the text. */
interface Rule {
  nullable: boolean;
  check: Check;
}

const BIGINT_MAX = 9_223_372_036_854_775_807n;

const wholeNumber =
  (min: bigint): Check =>
  (v) =>
    /^-?\d{1,19}$/.test(v) && BigInt(v) >= min && BigInt(v) <= BIGINT_MAX
      ? undefined
      : `"${v}" is not a whole number of at least ${min}`;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?$/;
const timestamp: Check = (v) => {
  const m = TIMESTAMP.exec(v);
  const problem = `"${v}" is not a timestamp without time zone (YYYY-MM-DD HH:MM:SS)`;
  if (!m) return problem;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0)) as number[];
  const date = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0));
  const validDay = date.getUTCMonth() === (month ?? 0) - 1 && date.getUTCDate() === day;
  return validDay && (hour ?? 0) < 24 && (minute ?? 0) < 60 && (second ?? 0) < 60 ? undefined : problem;
};

const text: Check = () => undefined;
const name: Check = (v) =>
  v.trim().length >= 1 && v.length <= 200 ? undefined : 'must have 1 to 200 characters';
const oneOf =
  (allowed: readonly string[]): Check =>
  (v) =>
    allowed.includes(v) ? undefined : `"${v}" is not one of ${allowed.join(', ')}`;
const money: Check = (v) =>
  /^\d{1,10}(\.\d{1,10})?$/.test(v) ? undefined : `"${v}" is not an amount ≥ 0 (numeric(20,10))`;
const json: Check = (v) => {
  try {
    JSON.parse(v);
  } catch {
    return `"${v}" is not JSON`;
  }
  // Valid JSON, but jsonb cannot store a NUL character.
  return /\\u0000/i.test(v) ? `"${v}" holds \\u0000, which jsonb cannot store` : undefined;
};
const arrayLiteral: Check = (v) =>
  /^\{.*\}$/s.test(v) ? undefined : `"${v}" is not a PostgreSQL array literal such as {http://a.example.com}`;

function address(v: string, needsNetwork: boolean): string | undefined {
  const [addr = '', prefix, extra] = v.split('/');
  const family = isIP(addr);
  const bits = family === 4 ? 32 : 128;
  const ok =
    family !== 0 &&
    extra === undefined &&
    (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits));
  if (!ok) return `"${v}" is not an IP ${needsNetwork ? 'network (cidr)' : 'address (inet)'}`;
  if (needsNetwork && family === 4 && prefix !== undefined) {
    const value = addr.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const hostBits = 2 ** (32 - Number(prefix));
    if (value % hostBits !== 0) return `"${v}" has bits set to the right of the mask (cidr)`;
  }
  return undefined;
}
const POINT = /^\(?\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)?$/;
const latLon: Check = (v) => {
  const m = POINT.exec(v);
  const lat = Number(m?.[1]);
  const lon = Number(m?.[2]);
  return m && Math.abs(lat) <= 90 && Math.abs(lon) <= 180
    ? undefined
    : `"${v}" is not a point (latitude,longitude) within ±90 and ±180`;
};

const required = (check: Check): Rule => ({ nullable: false, check });
const optional = (check: Check): Rule => ({ nullable: true, check });
const id = required(wholeNumber(1n));
const count = required(wholeNumber(0n));
const when = required(timestamp);

export type TutorialTable = 'companies' | 'campaigns' | 'ads' | 'clicks' | 'impressions' | 'geo_ips';
/** The tables whose keys later files refer to. */
type KeyedTable = 'companies' | 'campaigns' | 'ads';

interface TutorialFileSpec {
  table: TutorialTable;
  required: boolean;
  rules: Rule[];
  /** This file's key, remembered for duplicate checks and for the files that refer to it. */
  key?: (f: string[]) => string;
  /** The row this one refers to, in a file loaded before. */
  parent?: { table: KeyedTable; key: (f: string[]) => string; columns: string };
}

/** Numbers as keys: "05" and "5" are the same id. */
const n = (v: string | undefined) => BigInt(v ?? 0).toString();
const ownKey = (f: string[]) => `${n(f[1])}/${n(f[0])}`;

const adEvent: Rule[] = [
  id,
  id,
  id,
  when,
  required(text),
  optional(money),
  required((v) => address(v, false)),
  required(json),
];

/** The files in load order (each after the ones it refers to). */
const TUTORIAL_FILES: readonly TutorialFileSpec[] = [
  {
    table: 'companies',
    required: true,
    rules: [id, required(name), optional(text), when, when],
    key: (f) => n(f[0]),
  },
  {
    table: 'campaigns',
    required: true,
    rules: [
      id,
      id,
      required(text),
      required(oneOf(COST_MODELS)),
      required(oneOf(CAMPAIGN_STATES)),
      optional(wholeNumber(0n)),
      optional(arrayLiteral),
      when,
      when,
    ],
    key: ownKey,
    parent: { table: 'companies', key: (f) => n(f[1]), columns: 'company_id' },
  },
  {
    table: 'ads',
    required: true,
    rules: [id, id, id, required(text), optional(text), optional(text), count, count, when, when],
    key: ownKey,
    parent: { table: 'campaigns', key: (f) => `${n(f[1])}/${n(f[2])}`, columns: '(company_id, campaign_id)' },
  },
  {
    table: 'impressions',
    required: false,
    rules: adEvent,
    parent: { table: 'ads', key: (f) => `${n(f[1])}/${n(f[2])}`, columns: '(company_id, ad_id)' },
  },
  {
    table: 'clicks',
    required: false,
    rules: adEvent,
    parent: { table: 'ads', key: (f) => `${n(f[1])}/${n(f[2])}`, columns: '(company_id, ad_id)' },
  },
  {
    table: 'geo_ips',
    required: false,
    rules: [required((v) => address(v, true)), required(latLon)],
  },
];

/** One record's first problem, or undefined. */
function recordProblem(
  spec: TutorialFileSpec,
  fields: (string | null)[],
  record: number,
): string | undefined {
  const columns = SEED_COLUMNS[spec.table];
  const first = fields[0];
  if (record === 1 && first?.startsWith('\uFEFF')) {
    return 'the file starts with a byte-order mark; save it as UTF-8 without one';
  }
  if (fields.length !== columns.length) {
    return `expected ${columns.length} columns (${columns.join(', ')}), found ${fields.length}`;
  }
  for (const [index, rule] of spec.rules.entries()) {
    const value = fields[index] ?? null;
    const problem =
      value === null ? (rule.nullable ? undefined : 'is empty (NULL) but is required') : rule.check(value);
    if (problem !== undefined) {
      const header =
        record === 1 && value === columns[index] ? ' (the tutorial files have no header row)' : '';
      return `column ${columns[index]}: ${problem}${header}`;
    }
  }
  return undefined;
}

function dataError(file: string, line: number, problem: string): TutorialDataError {
  return new TutorialDataError(
    `${file} line ${line}${problem.startsWith('column') ? ', ' : ': '}${problem}`,
    file,
    line,
  );
}

/** Checks one file; remembers its keys in `keys`; returns its row count. */
async function checkFile(
  dir: string,
  spec: TutorialFileSpec,
  keys: Map<KeyedTable, Set<string>>,
): Promise<number> {
  const file = `${spec.table}.csv`;
  const own = spec.key ? new Set<string>() : undefined;
  let rows = 0;
  try {
    for await (const { fields, line, record } of readCsv(createReadStream(path.join(dir, file), 'utf8'))) {
      const problem = recordProblem(spec, fields, record);
      if (problem !== undefined) throw dataError(file, line, problem);
      const values = fields as string[];
      if (spec.parent && !keys.get(spec.parent.table)?.has(spec.parent.key(values))) {
        throw dataError(
          file,
          line,
          `${spec.parent.columns} ${spec.parent.key(values).replace('/', ', ')} is not in ${spec.parent.table}.csv`,
        );
      }
      if (own && spec.key) {
        const key = spec.key(values);
        if (own.has(key)) throw dataError(file, line, `duplicate id ${key.replace('/', ', ')}`);
        own.add(key);
      }
      rows++;
    }
  } catch (error: unknown) {
    if (error instanceof CsvSyntaxError) throw dataError(file, error.line, error.message);
    throw error;
  }
  if (own) keys.set(spec.table as KeyedTable, own);
  return rows;
}

/** The line a record starts on, or the line of the `occurrence`th record whose `columns` hold `values`. */
async function findLine(
  filePath: string,
  matches: (fields: (string | null)[], record: number) => boolean,
  occurrence = 1,
): Promise<number | undefined> {
  let seen = 0;
  for await (const { fields, line, record } of readCsv(createReadStream(filePath, 'utf8'))) {
    if (matches(fields, record) && ++seen === occurrence) return line;
  }
  return undefined;
}

/** Shard names (campaigns_102051) read better as their table's. */
const unshard = (text: string) => text.replace(/\b([a-z_]+)_\d{6,}\b/g, '$1');

/**
 * The line of the record a server error is about: COPY's own context ("line N" counts
 * records) when the coordinator parsed the row, else the row whose key the error's detail
 * names (a worker's constraint error carries no line of the file).
 */
async function lineOfError(filePath: string, spec: TutorialFileSpec, where?: string, detail?: string) {
  const context = where ? /\bCOPY (\w+), line (\d+)(?:, column (\w+))?/.exec(where) : null;
  if (context && context[1] === spec.table) {
    const record = Number(context[2]);
    const line = await findLine(filePath, (_, r) => r === record);
    return line === undefined ? undefined : { line, column: context[3] };
  }
  const key = detail ? /^Key \((.+)\)=\((.+)\) (already exists|is not present)/.exec(detail) : null;
  if (!key?.[1] || !key[2]) return undefined;
  const names = key[1].split(', ');
  const values = key[2].split(', ');
  const indexes = names.map((column) => SEED_COLUMNS[spec.table].indexOf(column as never));
  if (names.length !== values.length || indexes.some((i) => i < 0)) return undefined;
  // A duplicate is the key's second occurrence; a missing reference its first.
  const occurrence = key[3] === 'already exists' ? 2 : 1;
  const line = await findLine(
    filePath,
    (f) => indexes.every((column, i) => f[column] === values[i]),
    occurrence,
  );
  return line === undefined ? undefined : { line, column: undefined };
}

/** A server error during a file's COPY, traced back to its line where the server says enough. */
async function explainCopyError(filePath: string, spec: TutorialFileSpec, error: unknown): Promise<Error> {
  const fields = databaseError(error);
  if (!fields?.fromServer) return fields ? (error as Error) : new Error(String(error));
  const file = path.basename(filePath);
  const what = `${unshard(fields.message)}${fields.detail ? ` (${unshard(fields.detail)})` : ''}`;
  const found = await lineOfError(filePath, spec, fields.where, fields.detail);
  if (!found)
    return new TutorialDataError(`${file}: loading failed: ${what}`, file, undefined, { cause: error });
  const column = found.column ? `, column ${found.column}` : '';
  return new TutorialDataError(`${file} line ${found.line}${column}: ${what}`, file, found.line, {
    cause: error,
  });
}

/** Counts lines in a chunk: rows, near enough for progress (a quoted newline counts too). */
function newlines(chunk: Buffer): number {
  let lines = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  return lines;
}

/**
 * Checks the tutorial files in `dir` and returns them as load sources, in load order.
 * Throws TutorialDataError naming the file (and line) of the first problem.
 */
export async function tutorialSources(dir: string): Promise<LoadSource[]> {
  if (!existsSync(dir)) throw new TutorialDataError(`tutorial directory ${dir} does not exist`, dir);
  const missing = TUTORIAL_FILES.filter((s) => s.required && !existsSync(path.join(dir, `${s.table}.csv`)));
  if (missing.length > 0) {
    const names = missing.map((s) => `${s.table}.csv`);
    throw new TutorialDataError(
      `${names.join(', ')} missing in ${dir} (companies.csv, campaigns.csv and ads.csv are required)`,
      names[0] ?? dir,
    );
  }
  const keys = new Map<KeyedTable, Set<string>>();
  const sources: LoadSource[] = [];
  for (const spec of TUTORIAL_FILES) {
    const filePath = path.join(dir, `${spec.table}.csv`);
    if (!existsSync(filePath)) continue;
    const rows = await checkFile(dir, spec, keys);
    sources.push({
      table: spec.table,
      columns: SEED_COLUMNS[spec.table],
      rows,
      async *chunks() {
        let sent = 0;
        for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) {
          const lines = Math.min(newlines(chunk), rows - sent);
          sent += lines;
          yield { text: chunk, rows: lines };
        }
        if (sent < rows) yield { text: '', rows: rows - sent };
      },
      explain: (error) => explainCopyError(filePath, spec, error),
    });
  }
  return sources;
}

/**
 * Downloads the tutorial files from `baseUrl` (each `<baseUrl>/<table>.csv`) into a new
 * temporary directory and returns it; the optional ones are skipped when absent (404).
 */
export async function downloadTutorial(baseUrl: string): Promise<string> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'distribushop-tutorial-'));
  try {
    for (const spec of TUTORIAL_FILES) {
      const file = `${spec.table}.csv`;
      const url = new URL(file, base).toString();
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error: unknown) {
        throw new TutorialDataError(
          `cannot download ${url} (${messageOf(error)}); is this machine online? Otherwise download the files and use --tutorial DIR`,
          file,
          undefined,
          { cause: error },
        );
      }
      if (response.status === 404 && !spec.required) continue;
      if (!response.ok || !response.body) {
        throw new TutorialDataError(`cannot download ${url}: HTTP ${response.status}`, file);
      }
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        createWriteStream(path.join(dir, file)),
      );
    }
    return dir;
  } catch (error: unknown) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
