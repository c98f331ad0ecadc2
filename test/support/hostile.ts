/**
 * Hostile requests, generated with fast-check from the API's own description: each
 * operation's path, query and header parameters and its body schema come from the
 * OpenAPI document (itself generated from the route table's zod schemas), and each
 * generated request is one valid request of that operation with one thing made hostile.
 *
 * A request either falls outside the contract by construction (a malformed body, a
 * forged id, an unknown route: it must get a 4xx), or is checked against the route's
 * own zod schemas (a quote in a product name is a valid name: it may succeed, and must
 * round-trip as sent).
 */
import fc from 'fast-check';
import { allowedMethods, matchPath } from '../../lib/http/route-match';
import { type RouteSpec, routes, type Schema } from '../../lib/http/routes';
import type { RawRequest } from './gateway';

/** Text that must never reach a log line: every generated string field may carry it. */
export const CANARY = 'zzCANARY7f3e';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: string[];
  $ref?: string;
  maxLength?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: JsonSchema;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { operationId: string; parameters?: Parameter[]; requestBody?: unknown }>
  >;
  components: { schemas: Record<string, JsonSchema> };
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, e.g. `/companies/{companyId}`. */
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

/** Every operation of the document. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)
        ?.content?.['application/json']?.schema;
      return {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body,
      };
    }),
  );
}

/** A valid request of an operation, as parts: the baseline every hostile request changes. */
export interface Baseline {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
}

/** The ids of the tenant the hostile requests are made as, and its credentials. */
export interface TenantIds {
  companyId: number;
  productId: number;
  orderId: number;
  customerId: number;
  campaignId: number;
  /** A key of the tenant that the requests may revoke (never one they are sent with). */
  spareKeyId: number;
  /** The tenant's secret and publishable keys, and the operator token. */
  secretKey: string;
  publishableKey: string;
  operatorToken: string;
}

/** One valid request of every operation, as the tenant with these ids, with the credential its route needs. */
export function baselinesFor(t: TenantIds): Record<string, Baseline> {
  const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
  const withCredentials = Object.fromEntries(
    Object.entries(baselinesOf(t)).map(([operationId, base]) => {
      const access = routes[operationId as keyof typeof routes]?.access;
      const credential = {
        public: undefined,
        storefront: t.publishableKey,
        merchant: t.secretKey,
        operator: t.operatorToken,
      }[access ?? 'public'];
      return [
        operationId,
        credential ? { ...base, headers: { ...base.headers, ...bearer(credential) } } : base,
      ];
    }),
  );
  return withCredentials;
}

function baselinesOf(t: TenantIds): Record<string, Baseline> {
  const companyId = String(t.companyId);
  const productId = String(t.productId);
  const none = { params: {}, query: {}, headers: {} };
  const company = { ...none, params: { companyId } };
  return {
    createCompany: { ...none, body: { name: 'Hostile Co' } },
    getCompany: company,
    listProducts: { ...company, query: { limit: '5', q: 'Product' } },
    getProduct: { ...none, params: { companyId, productId } },
    createProduct: { ...company, body: { name: 'Fuzzed', sku: 'FUZZ-1', priceCents: 100, stock: 5 } },
    updateProduct: {
      ...none,
      params: { companyId, productId },
      body: { name: 'Renamed', priceCents: 100, stock: 40 },
    },
    placeOrder: {
      ...company,
      headers: { 'idempotency-key': `k-${CANARY}` },
      body: {
        customer: { email: 'fuzz@example.com', name: 'Fuzz' },
        items: [{ productId: t.productId, quantity: 1 }],
      },
    },
    getOrder: { ...none, params: { companyId, orderId: String(t.orderId) } },
    cancelOrder: { ...none, params: { companyId, orderId: String(t.orderId) } },
    listCustomerOrders: {
      ...none,
      params: { companyId, customerId: String(t.customerId) },
      query: { limit: '5' },
    },
    listCampaigns: { ...company, query: { limit: '5', state: 'running' } },
    getCampaign: { ...none, params: { companyId, campaignId: String(t.campaignId) } },
    createKey: { ...company, body: { kind: 'publishable' } },
    listKeys: { ...company, query: { limit: '5' } },
    revokeKey: { ...none, params: { companyId, keyId: String(t.spareKeyId) } },
    health: none,
    clusterStatus: none,
    openapi: none,
  };
}

const KEY_CHARACTERS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Authorization headers that must all be refused: none, other schemes, a bearer of hostile
 * text (marked with the canary, so that a credential that reaches a log line is found),
 * and forged keys of the tenant and of others, some a character short or long.
 */
export function hostileAuthorization(companyId: string): fc.Arbitrary<string | undefined> {
  const forgedKey = fc
    .tuple(
      fc.constantFrom('sk', 'pk', 'xk', 'SK'),
      fc.constantFrom(companyId, '1', '0', '9007199254740993', `${companyId}0`, '-1'),
      fc.integer({ min: 31, max: 33 }),
      fc.string({ unit: fc.constantFrom(...KEY_CHARACTERS), minLength: 33, maxLength: 33 }),
    )
    .map(([kind, company, length, random]) => `ds_${kind}_${company}_${random.slice(0, length)}`);
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer', 'Basic dXNlcjpwYXNzd29yZA==', 'Token x', 'Bearer a b'),
    hostileText.map((text) => `Bearer ${CANARY}${text}`),
    hostileText.map((text) => `${CANARY}${text}`),
    forgedKey.map((key) => `Bearer ${key}`),
    forgedKey.map((key) => `Bearer ${key}, Bearer ${key}`),
    forgedKey.map((key) => key),
  );
}

/** Every hostile request of the document's operations, weighted, with the route table's schemas as oracle. */
export function allHostileRequests(
  doc: OpenApiDocument,
  base: Record<string, Baseline>,
  limits: { maxBodyBytes: number; maxHeaderBytes: number },
): fc.Arbitrary<HostileRequest> {
  const operations = operationsOf(doc);
  return fc.oneof(
    ...operations.flatMap((op) => {
      const route = routes[op.operationId as keyof typeof routes];
      const baseline = base[op.operationId];
      if (!route || !baseline) throw new Error(`no route or baseline for ${op.operationId}`);
      return hostileRequests(op, route, baseline, doc, limits);
    }),
    ...routingRequests(operations, base),
  );
}

export interface HostileRequest extends RawRequest {
  /** What was made hostile, for the printed counterexample. */
  label: string;
  operationId: string;
  /** Outside the contract: the answer must be a 4xx. */
  mustReject: boolean;
  /** A text field's value as sent, when the request is otherwise valid: a success must echo it. */
  echo?: { field: string; value: string };
}

// ---------------------------------------------------------------------------------------
// Values

const metacharacters = [
  "'",
  '"',
  "' OR '1'='1",
  "'; DROP TABLE companies; --",
  '1); DELETE FROM products; --',
  '$1',
  '$$; SELECT pg_sleep(10); $$',
  '\\',
  '\\x00',
  '%',
  '_',
  '%00',
  '%s%s%s%n',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text a template engine would expand
  '${process.env.DATABASE_URL}',
  '{{7*7}}',
  '<%= 7*7 %>',
  '#{7*7}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\r\nSet-Cookie: x=1',
  '\u202eevil',
  '\ufeff',
  '😀',
  '__proto__',
  'constructor',
];

const unstorable = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\ud83d', 'caf\ufffd', `${CANARY}\u0000`];

const numeric = [
  '-1',
  '0',
  '-0',
  '1.5',
  '1e3',
  '1e309',
  'NaN',
  'Infinity',
  '0x1F',
  ' 1',
  '1 ',
  '+1',
  '01',
  '9007199254740992',
  '9223372036854775807',
  '99999999999999999999999',
  '1,2',
];

/** Strings no id, limit or cursor may be, and which a text field may or may not accept. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...metacharacters) },
  { weight: 2, arbitrary: fc.constantFrom(...unstorable) },
  { weight: 2, arbitrary: fc.constantFrom(...numeric) },
  { weight: 2, arbitrary: fc.constantFrom(...metacharacters).map((s) => `${CANARY} ${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '\n') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(101, 201, 255, 256, 1_000, 9_000), fc.constantFrom('x', "'", '\u0000', 'é'))
      .map(([n, c]) => `${CANARY}${c.repeat(n)}`),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

/** The texts every string field, parameter and header is given: the classes PostgreSQL or SQL could trip on. */
export const attackText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...unstorable, ...metacharacters, '', ' '),
  fc.constantFrom(...metacharacters).map((s) => `${CANARY} ${s}`),
  fc.constantFrom(...unstorable).map((s) => `${CANARY} ${s}`),
  fc.constantFrom(101, 201, 255, 256, 1_000).map((n) => `${CANARY}${'x'.repeat(n)}`),
);

/** The body as sent, with some values raw JSON text (numbers JavaScript cannot hold). */
const RAW = '\u0001raw:';
const rawNumbers = [
  '1e400',
  '-1e400',
  '1.0000000000000000001',
  '123456789012345678901234567890',
  '-0.0',
  '1E2',
];

const deep = (depth: number, open: string, close: string) =>
  `${RAW}${open.repeat(depth)}${close.repeat(depth)}`;

/** Any JSON value a field may be given instead of its own. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e20,
      2 ** 53,
      -(2 ** 53),
      Number.MAX_VALUE,
      5e-324,
      [],
      {},
      [1],
      { a: 1 },
      { __proto__: null, polluted: true },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...rawNumbers).map((n) => `${RAW}${n}`) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((d) => deep(d, '[', ']')) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 53) - 10, max: 2 ** 53 + 10 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** JSON text of a value in which RAW strings stand for raw JSON text. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001raw:([^"]*)"/g, (_, raw: string) => raw);
}

/** Cursors that decode, or nearly, but are not one the list handed out. */
export const forgedCursor: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc
    .constantFrom(['x'], [-5], [0], [1.5], [2 ** 53], ['x', 1], [1, 'x'], [-2, 1], [null], [[1]], ['1'])
    .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  hostileText,
);

// ---------------------------------------------------------------------------------------
// Requests

const encodeSegment = (value: string) => encodeURIComponent(value.replace(/\p{Cs}/gu, '\uFFFD'));

function pathOf(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(params[name] ?? ''));
}

function request(op: Operation, base: Baseline, label: string, mustReject: boolean): HostileRequest {
  const hasBody = op.body !== undefined && base.body !== undefined;
  return {
    label,
    operationId: op.operationId,
    mustReject,
    method: op.method,
    path: pathOf(op.path, base.params),
    query: base.query,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...base.headers },
    body: hasBody ? toJsonText(base.body) : undefined,
  };
}

/** True when the route's own schema refuses the value. */
const refuses = (schema: Schema | undefined, value: unknown) =>
  schema !== undefined && !schema.safeParse(value).success;

export interface Field {
  path: (string | number)[];
  schema: JsonSchema;
}

/** Every field of a body schema (array items at index 0, every union alternative's fields). */
export function fieldsOf(
  schema: JsonSchema,
  doc: OpenApiDocument,
  prefix: (string | number)[] = [],
): Field[] {
  const resolved = schema.$ref ? (doc.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}) : schema;
  const nested: Field[] = [
    ...Object.entries(resolved.properties ?? {}).flatMap(([key, child]) => [
      { path: [...prefix, key], schema: child },
      ...fieldsOf(child, doc, [...prefix, key]),
    ]),
    ...(resolved.items
      ? [{ path: [...prefix, 0], schema: resolved.items }, ...fieldsOf(resolved.items, doc, [...prefix, 0])]
      : []),
    ...(resolved.anyOf ?? []).flatMap((alternative) => fieldsOf(alternative, doc, prefix)),
  ];
  const seen = new Set<string>();
  return nested.filter((f) => !seen.has(JSON.stringify(f.path)) && seen.add(JSON.stringify(f.path)));
}

function setAt(target: unknown, path: (string | number)[], value: unknown): unknown {
  const root = structuredClone(target) as Record<string | number, unknown>;
  let node = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      if (value === undefined) delete node[key];
      else node[key] = value;
      return;
    }
    if (typeof node[key] !== 'object' || node[key] === null)
      node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  return root;
}

const TEXT_FIELDS = new Set(['name']);

/**
 * Hostile requests of one operation. `route` is the route table's entry for it (its zod
 * schemas decide the requests that are not outside the contract by construction).
 */
export function hostileRequests(
  op: Operation,
  route: RouteSpec,
  base: Baseline,
  doc: OpenApiDocument,
  limits: { maxBodyBytes: number; maxHeaderBytes: number },
): fc.WeightedArbitrary<HostileRequest>[] {
  const valid = request(op, base, 'valid', false);
  const arbitraries: fc.Arbitrary<HostileRequest>[] = [];
  const rare: fc.Arbitrary<HostileRequest>[] = [];
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');

  const withPath = (name: string, value: string): HostileRequest => {
    const params = { ...base.params, [name]: value };
    return {
      ...request(op, { ...base, params }, `path ${name}=${JSON.stringify(value)}`, false),
      mustReject: refuses(route.params, params),
    };
  };
  // A route without query parameters ignores unknown ones; one with them refuses them.
  const withQuery = (name: string, value: string): HostileRequest => {
    const query = { ...base.query, [name]: value };
    return {
      ...request(op, { ...base, query }, `query ${name}=${JSON.stringify(value)}`, false),
      mustReject: refuses(route.query, query),
    };
  };
  const withHeader = (name: string, value: string | undefined): HostileRequest => {
    const headers = { ...base.headers };
    if (value === undefined) delete headers[name];
    else headers[name] = value;
    return {
      ...request(op, { ...base, headers }, `header ${name}=${JSON.stringify(value)}`, false),
      mustReject: refuses(route.headers, headers),
    };
  };
  const withField = (path: (string | number)[], value: unknown): HostileRequest => {
    const text = toJsonText(setAt(base.body, path, value));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const field = path.join('.');
    const mustReject =
      Buffer.byteLength(text) > limits.maxBodyBytes || parsed === undefined || refuses(route.body, parsed);
    const echoed = !mustReject && path.length === 1 && TEXT_FIELDS.has(field) && typeof value === 'string';
    return {
      ...valid,
      label: `body.${field}=${text.length > 200 ? `${text.slice(0, 200)}…` : JSON.stringify(value)}`,
      body: text,
      mustReject,
      ...(echoed ? { echo: { field, value } } : {}),
    };
  };

  // Never another valid id in the path: that would be a valid request about another tenant.
  const hostilePath = (name: string, value: string) =>
    refuses(route.params, { ...base.params, [name]: value });
  const fields = op.body && base.body !== undefined ? fieldsOf(op.body, doc) : [];

  // Every text the request carries, each given every kind of hostile text.
  const textTargets: ((value: string) => HostileRequest)[] = [
    ...pathParams.map((p) => (value: string) => withPath(p.name, value)),
    ...queryParams.map((p) => (value: string) => withQuery(p.name, value)),
    ...headerParams.map((p) => (value: string) => withHeader(p.name, value)),
    ...fields
      .filter((f) => f.schema.type === 'string')
      .map((f) => (value: string) => withField(f.path, value)),
  ];
  if (textTargets.length > 0) {
    arbitraries.push(
      fc
        .tuple(fc.integer({ min: 0, max: textTargets.length - 1 }), attackText)
        .map(([i, value]) => (textTargets[i] as (value: string) => HostileRequest)(value))
        .filter((r) => r.mustReject || !/^path /.test(r.label)),
    );
  }

  if (pathParams.length > 0) {
    arbitraries.push(
      fc
        .tuple(fc.constantFrom(...pathParams.map((p) => p.name)), hostileText)
        .filter(([name, value]) => hostilePath(name, value))
        .map(([name, value]) => withPath(name, value)),
    );
  }

  // The credential itself, on every route that needs one: missing, malformed, forged.
  if (route.access !== 'public') {
    arbitraries.push(
      hostileAuthorization(base.params.companyId ?? '1').map((value) => {
        const headers = { ...base.headers };
        if (value === undefined) delete headers.authorization;
        else headers.authorization = value;
        return {
          ...request(op, { ...base, headers }, `header authorization=${JSON.stringify(value)}`, true),
        };
      }),
    );
  }

  const queryNames = [...queryParams.map((p) => p.name), 'sort', 'offset', 'companyId', '__proto__'];
  arbitraries.push(
    fc
      .tuple(
        fc.constantFrom(...queryNames),
        fc.oneof(hostileText, forgedCursor, fc.constantFrom('0', '101', '1000000', '-1', '1.5', '100', '1')),
      )
      .map(([name, value]) => withQuery(name, value)),
  );

  for (const header of headerParams) {
    arbitraries.push(
      fc.oneof(hostileText, fc.constant(undefined)).map((value) => withHeader(header.name, value)),
    );
  }

  rare.push(
    fc.constantFrom('x-padding', 'cookie', 'user-agent').map((name) => ({
      ...valid,
      label: `header ${name} over the limit`,
      headers: { ...valid.headers, [name]: `${CANARY}${'h'.repeat(limits.maxHeaderBytes)}` },
      mustReject: true,
    })),
  );

  if (fields.length > 0) {
    arbitraries.push(
      fc
        .tuple(fc.constantFrom(...fields.map((f) => f.path)), fc.oneof(hostileJson, fc.constant(undefined)))
        .map(([path, value]) => withField(path, value)),
      fc
        .tuple(
          fc.constantFrom('owner', 'priceCents', 'id', 'companyId', '__proto__', 'constructor'),
          hostileJson,
        )
        .map(([key, value]) => withField([key], value)),
    );
    const text = valid.body ?? '';
    arbitraries.push(
      fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((at) => ({
        ...valid,
        label: `body truncated at ${at}`,
        body: text.slice(0, at),
        mustReject: true,
      })),
      fc
        .tuple(
          fc.integer({ min: 0, max: text.length }),
          fc.constantFrom('}', '{', ',', ':', "'", '\\', 'x', '\u0000', '"'),
        )
        .map(([at, c]) => {
          const broken = text.slice(0, at) + c + text.slice(at);
          let parsed: unknown;
          let malformed = false;
          try {
            parsed = JSON.parse(broken);
          } catch {
            malformed = true;
          }
          return {
            ...valid,
            label: `body with ${JSON.stringify(c)} at ${at}`,
            body: broken,
            mustReject: malformed || refuses(route.body, parsed),
          };
        }),
      fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          'application/xml',
          'json',
        )
        .map((type) => ({
          ...valid,
          label: `content-type ${type}`,
          headers: { ...valid.headers, 'content-type': type },
          mustReject: true,
        })),
      fc
        .constantFrom('', ' ', 'null', '[]', '"x"', '0', deep(50_000, '[', ']').slice(RAW.length))
        .map((raw) => ({
          ...valid,
          label: `body ${raw.slice(0, 20)}${raw.length > 20 ? '…' : ''}`,
          body: raw,
          mustReject: true,
        })),
      fc
        .constantFrom(
          Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
          Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
          Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
          Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
        )
        .map((bytes) => ({
          ...valid,
          label: `body of invalid UTF-8 ${bytes.toString('hex')}`,
          body: bytes.toString('base64'),
          isBase64Encoded: true,
          mustReject: true,
        })),
      fc.constant({
        ...valid,
        label: 'body over the limit',
        body: toJsonText(setAt(base.body, fields[0]?.path ?? ['x'], 'x'.repeat(limits.maxBodyBytes))),
        mustReject: true,
      }),
    );
  }
  return [
    ...arbitraries.map((arbitrary, i) => ({ arbitrary, weight: i === 0 && textTargets.length > 0 ? 8 : 4 })),
    ...rare.map((arbitrary) => ({ arbitrary, weight: 1 })),
  ];
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND'];

/** Known paths asked with a method they do not answer, and paths no route has. */
export function routingRequests(
  operations: Operation[],
  baselines: Record<string, Baseline>,
): fc.WeightedArbitrary<HostileRequest>[] {
  const known = operations.map((op) => pathOf(op.path, baselines[op.operationId]?.params ?? {}));
  const arbitraries: fc.Arbitrary<HostileRequest>[] = [
    fc
      .tuple(fc.constantFrom(...known), fc.constantFrom(...METHODS))
      .filter(([path, method]) => !allowedMethods(path).includes(method))
      .map(([path, method]) => ({
        label: `${method} ${path}`,
        operationId: 'notFound',
        method,
        path,
        mustReject: true,
      })),
    fc
      .tuple(
        fc.array(fc.oneof(hostileText, fc.constantFrom('admin', '.env', 'api', 'v1', '..')), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.constantFrom(...METHODS),
      )
      .map(([segments, method]) => ({
        label: `${method} /${segments.join('/')}`,
        operationId: 'notFound',
        method,
        path: `/${['x', ...segments].map(encodeSegment).join('/')}`,
        mustReject: true,
      }))
      .filter((r) => matchPath(r.path).length === 0),
  ];
  return arbitraries.map((arbitrary) => ({ arbitrary, weight: 8 }));
}
