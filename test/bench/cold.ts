/**
 * The cold level: what a new function instance pays before its first answer, per HTTP
 * function, against the floor (test/bench/floor.ts: a pg Pool and getProduct's statement).
 *
 * Every HTTP function of serverless.yml, and the floor, is built as serverless.yml builds
 * it (test/support/bundles.ts). Then, in rounds, each function's bundle is started in a
 * fresh `node` process right after the floor's, each with the environment serverless.yml
 * gives the function (its NODE_OPTIONS included); the process times `require()` of the
 * bundle (the module load) and one invocation with an API Gateway event (the first
 * invocation: the configuration, the route's schemas, the connection and the function's
 * statements). Medians over the rounds; each ratio to the floor is the median of the
 * ratios of the pairs, so that a machine whose load changes moves both sides alike.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBulkSession } from '../../lib/db/copy';
import { consoleRoutes, notFoundRoute, type RouteSpec, routes } from '../../lib/http/routes';
import { type Bundle, buildBundle, deployedEnvironment, httpFunctions, root } from '../support/bundles';
import { httpEvent } from '../support/lambda';
import { runProcess } from '../support/process';

export interface ColdResult {
  /** The function's name in serverless.yml, or `floor`. */
  name: string;
  /** The bundle as deployed, and minified (bytes). */
  bytes: number;
  minifiedBytes: number;
  /** Medians over the runs (ms). */
  loadMs: number;
  firstInvocationMs: number;
  runs: { loadMs: number; firstInvocationMs: number; status: number | null }[];
  /**
   * Over the floor's: the median of the ratios of each run to the floor's run just before
   * it (1 for the floor itself).
   */
  loadOverFloor: number;
  firstInvocationOverFloor: number;
  /** A status other than the one expected (the invocation still ran). */
  note?: string;
}

export interface ColdReport {
  runs: number;
  /** NODE_OPTIONS the HTTP functions are deployed with ('' for none). */
  nodeOptions: string;
  floor: ColdResult;
  functions: ColdResult[];
}

export interface ColdOptions {
  /** The database the functions connect to (the benchmark's). */
  databaseUrl: string;
  /** Company 1's secret key. */
  secretKey: string;
  runs: number;
  /** Whether the functions that write (a company, a product, an order, a key) are measured. */
  writes: boolean;
  logLevel: string;
}

/** Ids of company 1's rows, for requests that find what they ask for. */
interface Sample {
  productId: number;
  customerId: number;
  campaignId: number;
  /** An order of company 1, if it has one. */
  orderId: number | null;
}

async function sampleRows(url: string): Promise<Sample> {
  const session = openBulkSession(url, { applicationName: 'distribushop-bench-cold' });
  try {
    const [row] = await session.query<{
      product: string;
      customer: string;
      campaign: string | null;
      order: string | null;
    }>(
      `SELECT (SELECT min(id) FROM products WHERE company_id = 1) AS product,
              (SELECT min(id) FROM customers WHERE company_id = 1) AS customer,
              (SELECT min(id) FROM campaigns WHERE company_id = 1) AS campaign,
              (SELECT min(id) FROM orders WHERE company_id = 1) AS order`,
    );
    if (!row?.product || !row.customer)
      throw new Error('the cold level needs company 1 with a product and a customer');
    return {
      productId: Number(row.product),
      customerId: Number(row.customer),
      campaignId: Number(row.campaign ?? 1),
      orderId: row.order === null ? null : Number(row.order),
    };
  } finally {
    await session.end();
  }
}

interface ColdRequest {
  route: RouteSpec;
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** The status the request is meant to get. */
  expect: number;
  /** It writes: measured only on the benchmark's own data. */
  writes?: boolean;
}

/**
 * One request per function that runs its statements: on rows of company 1 that exist, but
 * for cancel and revoke, whose order and key do not (404 after the same statement), so that
 * nothing the benchmark measures afterwards changes.
 */
function coldRequests(s: Sample, secret: string, operator: string): Record<string, ColdRequest> {
  const merchant = { authorization: `Bearer ${secret}` };
  const asOperator = { authorization: `Bearer ${operator}` };
  const company = { companyId: 1 };
  return {
    createCompany: {
      route: routes.createCompany,
      headers: asOperator,
      body: { name: 'Cold Start Co' },
      expect: 201,
      writes: true,
    },
    getCompany: { route: routes.getCompany, params: company, expect: 200 },
    listProducts: { route: routes.listProducts, params: company, query: { limit: '20' }, expect: 200 },
    getProduct: { route: routes.getProduct, params: { ...company, productId: s.productId }, expect: 200 },
    createProduct: {
      route: routes.createProduct,
      params: company,
      headers: merchant,
      body: { name: 'Cold Boots', sku: `COLD-${randomUUID().slice(0, 8)}`, priceCents: 100, stock: 10 },
      expect: 201,
      writes: true,
    },
    updateProduct: {
      route: routes.updateProduct,
      params: { ...company, productId: s.productId },
      headers: merchant,
      body: { stock: 1_000_000 },
      expect: 200,
      writes: true,
    },
    placeOrder: {
      route: routes.placeOrder,
      params: company,
      headers: { ...merchant, 'idempotency-key': `cold-${randomUUID()}` },
      body: { customer: { id: s.customerId }, items: [{ productId: s.productId, quantity: 1 }] },
      expect: 201,
      writes: true,
    },
    getOrder: {
      route: routes.getOrder,
      params: { ...company, orderId: s.orderId ?? 2 ** 52 },
      headers: merchant,
      expect: s.orderId === null ? 404 : 200,
    },
    cancelOrder: {
      route: routes.cancelOrder,
      params: { ...company, orderId: 2 ** 52 },
      headers: merchant,
      expect: 404,
    },
    listCustomerOrders: {
      route: routes.listCustomerOrders,
      params: { ...company, customerId: s.customerId },
      headers: merchant,
      expect: 200,
    },
    listCampaigns: { route: routes.listCampaigns, params: company, headers: merchant, expect: 200 },
    getCampaign: {
      route: routes.getCampaign,
      params: { ...company, campaignId: s.campaignId },
      headers: merchant,
      expect: 200,
    },
    createKey: {
      route: routes.createKey,
      params: company,
      headers: merchant,
      body: { kind: 'publishable' },
      expect: 201,
      writes: true,
    },
    listKeys: { route: routes.listKeys, params: company, headers: merchant, expect: 200 },
    revokeKey: {
      route: routes.revokeKey,
      params: { ...company, keyId: 2 ** 52 },
      headers: merchant,
      expect: 404,
    },
    health: { route: routes.health, expect: 200 },
    clusterStatus: { route: routes.clusterStatus, headers: asOperator, expect: 200 },
    openapi: { route: routes.openapi, expect: 200 },
    consolePage: { route: consoleRoutes.consolePage, expect: 200 },
    consoleFile: { route: consoleRoutes.consoleFile, params: { file: 'favicon.svg' }, expect: 200 },
    notFound: { route: { ...notFoundRoute, path: '/no/such/route' }, expect: 404 },
  };
}

/**
 * What runs in each fresh process: the module load and the first invocation, timed, then
 * one line for the benchmark (after whatever the function logged) and exit, as a frozen
 * Lambda instance would leave its connection.
 */
const CHILD = `
const [bundle, eventJson] = process.argv.slice(1);
const t0 = process.hrtime.bigint();
const { handler } = require(bundle);
const t1 = process.hrtime.bigint();
const context = { callbackWaitsForEmptyEventLoop: false, functionName: 'cold', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cold', memoryLimitInMB: '256',
  awsRequestId: 'cold', logGroupName: 'cold', logStreamName: 'cold', getRemainingTimeInMillis: () => 29000 };
Promise.resolve(handler(JSON.parse(eventJson), context)).then(
  (result) => {
    const t2 = process.hrtime.bigint();
    const ms = (a, b) => Number(b - a) / 1e6;
    process.stdout.write('\\n@cold ' + JSON.stringify({ loadMs: ms(t0, t1), firstInvocationMs: ms(t1, t2), status: result && result.statusCode }) + '\\n');
    process.exit(0);
  },
  (error) => { console.error(error); process.exit(1); },
);
`;

interface Sampled {
  loadMs: number;
  firstInvocationMs: number;
  status: number | null;
}

/** A bundle to measure, and what it measured. */
interface Subject {
  name: string;
  deployed: Bundle;
  minified: Bundle;
  request: ColdRequest;
  env: Record<string, string>;
  samples: Sampled[];
}

async function startOnce(bundle: string, event: unknown, env: Record<string, string>): Promise<Sampled> {
  const { code, output } = await runProcess(process.execPath, ['-e', CHILD, bundle, JSON.stringify(event)], {
    env,
  });
  const line = output.split('\n').find((l) => l.startsWith('@cold '));
  if (code !== 0 || !line)
    throw new Error(`${path.basename(bundle)} exited ${code}:\n${output.slice(-2000)}`);
  return JSON.parse(line.slice('@cold '.length)) as Sampled;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Builds every HTTP function and the floor, and measures their cold starts. */
export async function runCold(
  options: ColdOptions,
  progress: (line: string) => void = () => {},
): Promise<ColdReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-cold-'));
  try {
    const sample = await sampleRows(options.databaseUrl);
    const operator = `bench-operator-${randomBytes(16).toString('hex')}`;
    const requests = coldRequests(sample, options.secretKey, operator);
    const consoleDir = path.join(root, 'web/dist');
    const subjects = [
      { name: 'floor', entry: path.join(__dirname, 'floor.ts') },
      ...httpFunctions().filter((fn) => options.writes || !requests[fn.name]?.writes),
    ];
    const built: Subject[] = [];
    for (const subject of subjects) {
      const deployed = await buildBundle(subject.entry, path.join(dir, subject.name));
      const minified = await buildBundle(subject.entry, path.join(dir, `${subject.name}-min`), {
        minify: true,
      });
      const request = subject.name === 'floor' ? requests.getProduct : requests[subject.name];
      if (!request)
        throw new Error(`the cold level has no request for ${subject.name}: add one in test/bench/cold.ts`);
      // The floor runs with nothing but its database: no NODE_OPTIONS, whatever is deployed.
      const env: Record<string, string> =
        subject.name === 'floor'
          ? { PATH: process.env.PATH ?? '', DATABASE_URL: options.databaseUrl }
          : {
              PATH: process.env.PATH ?? '',
              ...deployedEnvironment(subject.name),
              DATABASE_URL: options.databaseUrl,
              LOG_LEVEL: options.logLevel,
              ADMIN_TOKEN: operator,
              ...(existsSync(consoleDir) ? { CONSOLE_DIR: consoleDir } : {}),
            };
      built.push({ name: subject.name, deployed, minified, request, env, samples: [] });
    }
    progress(
      `built ${built.length} bundles (${built.length - 1} functions and the floor) as serverless.yml builds them`,
    );
    const [floorSubject, ...functionSubjects] = built;
    if (!floorSubject) throw new Error('the cold level built nothing');
    const eventOf = (subject: Subject) => {
      // A new request each time: a new idempotency key, a new product's sku.
      const request = subject.request.writes
        ? (coldRequests(sample, options.secretKey, operator)[subject.name] ?? subject.request)
        : subject.request;
      const { route, params, query, headers, body } = request;
      return httpEvent(route, { params, query, headers, body });
    };
    // Each function's sample right after one of the floor's: the ratios are taken pair by
    // pair, so that a machine whose load changes from second to second moves both alike.
    const pairs = new Map<string, { floor: Sampled; measured: Sampled }[]>();
    for (let round = 1; round <= options.runs; round++) {
      for (const subject of functionSubjects) {
        const floorSample = await startOnce(
          floorSubject.deployed.file,
          eventOf(floorSubject),
          floorSubject.env,
        );
        const measured = await startOnce(subject.deployed.file, eventOf(subject), subject.env);
        floorSubject.samples.push(floorSample);
        subject.samples.push(measured);
        pairs.set(subject.name, [...(pairs.get(subject.name) ?? []), { floor: floorSample, measured }]);
      }
      progress(`cold: round ${round} of ${options.runs}`);
    }
    const summarize = (subject: Subject): ColdResult => {
      const wrong = subject.samples.filter((s) => s.status !== subject.request.expect);
      const paired = pairs.get(subject.name) ?? [];
      return {
        name: subject.name,
        bytes: subject.deployed.bytes,
        minifiedBytes: subject.minified.bytes,
        loadMs: median(subject.samples.map((s) => s.loadMs)),
        firstInvocationMs: median(subject.samples.map((s) => s.firstInvocationMs)),
        runs: subject.samples,
        loadOverFloor: paired.length ? median(paired.map((p) => p.measured.loadMs / p.floor.loadMs)) : 1,
        firstInvocationOverFloor: paired.length
          ? median(paired.map((p) => p.measured.firstInvocationMs / p.floor.firstInvocationMs))
          : 1,
        ...(wrong.length > 0
          ? {
              note: `${wrong.length} of ${subject.samples.length} answered ${wrong.map((s) => s.status).join(', ')}, not ${subject.request.expect}`,
            }
          : {}),
      };
    };
    return {
      runs: options.runs,
      nodeOptions: deployedEnvironment('getProduct').NODE_OPTIONS ?? '',
      floor: summarize(floorSubject),
      functions: functionSubjects.map(summarize),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
