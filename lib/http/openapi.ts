/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas with zod's
 * own JSON Schema conversion (`z.toJSONSchema`, which zod/mini has): each route's path,
 * query and header schemas become its parameters, its body and responses their schemas,
 * and every schema registered with an `id` (lib/http/contract/, `doc()`) a component
 * that the others reference. It is generated ahead of time, not by a function:
 * `npm run openapi` writes it to docs/openapi.json (`openApiText`), which the openapi
 * function serves (openapi-document.ts) and a unit test holds equal to what this module
 * generates now. No function imports this module, so no bundle carries the conversion.
 */
import type { Access } from '../auth/access';
import * as z from '../zod';
import { doc, type Schema } from './contract';
import { documentedResponses } from './documented-responses';
import { type RouteSpec, routes } from './routes';

type Json = Record<string, unknown>;

const problem = doc(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string(),
    instance: z.optional(z.string()),
    requestId: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
  { id: 'Problem' },
);

/**
 * What zod writes that the document does not say:
 * - a schema whose metadata states its `type` is documented as its metadata says (an id
 *   in a path is an integer from 1 up, a limit has its default), not as the text it
 *   arrives as;
 * - the safe-integer bounds that zod's `int` check implies (every number of this API is an
 *   exact JSON number), unless the metadata states them;
 * - the pattern zod gives a string `format` (the format is the contract, not zod's regex).
 */
function override({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodType; jsonSchema: Json }): void {
  const meta: Json = z.globalRegistry.get(zodSchema) ?? {};
  if (meta.type !== undefined) {
    const { id: _, ...stated } = meta;
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    Object.assign(jsonSchema, stated);
  }
  if (jsonSchema.type === 'integer') {
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER && meta.minimum === undefined)
      delete jsonSchema.minimum;
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER && meta.maximum === undefined)
      delete jsonSchema.maximum;
  }
  if (jsonSchema.format !== undefined) delete jsonSchema.pattern;
}

/**
 * `anyOf: [S, {type: 'null'}]` as `S` with `type: [S.type, 'null']`: OpenAPI 3.1's way of
 * saying nullable, which zod writes itself only for a schema that is nothing but a type.
 */
function compactNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compactNullable);
  if (typeof node !== 'object' || node === null) return node;
  const json = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, compactNullable(v)])) as Json;
  const anyOf = json.anyOf as Json[] | undefined;
  if (anyOf?.length === 2 && anyOf[1]?.type === 'null' && Object.keys(anyOf[1]).length === 1) {
    const [some] = anyOf;
    if (some && typeof some.type === 'string' && some.$ref === undefined) {
      const { anyOf: _, ...rest } = json;
      return { ...some, ...rest, type: [some.type, 'null'] };
    }
  }
  return json;
}

/** JSON Schema for the document: components referenced by `$ref`, collected into `components`. */
function jsonSchemaOf(schema: Schema, components: Record<string, Json>): Json {
  const {
    $schema: _,
    $defs,
    ...json
  } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    // Requests are documented as they are sent; responses have no transforms, so the same.
    io: 'input',
    // A transform (a query parameter's default) is documented by its metadata.
    unrepresentable: 'any',
    override: override as never,
  }) as Json;
  const toComponents = (node: Json) =>
    compactNullable(
      JSON.parse(JSON.stringify(node).replaceAll('"#/$defs/', '"#/components/schemas/')),
    ) as Json;
  for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, Json>)) {
    components[name] = toComponents(def);
  }
  return toComponents(json);
}

/** Each property of a route's path, query or header schema as an OpenAPI parameter. */
function parametersOf(
  schema: Schema | undefined,
  where: 'path' | 'query' | 'header',
  components: Record<string, Json>,
): Json[] {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchemaOf(schema, components) as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, property]) => ({
    schema: property,
    required: required.includes(name),
    ...(property.description !== undefined ? { description: property.description } : {}),
    name,
    in: where,
  }));
}

function operationOf(route: RouteSpec, components: Record<string, Json>): Json {
  const parameters = [
    ...parametersOf(route.params, 'path', components),
    ...parametersOf(route.query, 'query', components),
    ...parametersOf(route.headers, 'header', components),
  ];
  const responses = Object.fromEntries(
    Object.entries(documentedResponses(route)).map(([status, spec]) => {
      const isError = Number(status) >= 400;
      const schema = spec.schema ?? (isError ? problem : undefined);
      const mediaType = isError ? 'application/problem+json' : 'application/json';
      return [
        status,
        {
          description: spec.description,
          ...(schema ? { content: { [mediaType]: { schema: jsonSchemaOf(schema, components) } } } : {}),
        },
      ];
    }),
  );
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: SECURITY[route.access],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchemaOf(route.body, components) } },
          },
        }
      : {}),
    responses,
  };
}

/** The three credentials, each a bearer token (lib/auth/access.ts). */
const SCHEMES = {
  publishableKey: {
    description:
      "A company's publishable key (`ds_pk_<companyId>_…`): the storefront's. Places orders for a customer given by email; safe to put in a web page.",
  },
  secretKey: {
    description:
      "A company's secret key (`ds_sk_<companyId>_…`): the merchant's. Everything of that company, the storefront's routes included. Keep it on a server.",
  },
  operatorToken: {
    description:
      'The operator token (ADMIN_TOKEN): companies, the cluster, and any company on its behalf. With no token configured, operator routes are closed.',
  },
};

/** Each access level's requirement: any one of the schemes listed; none for a public route. */
const SECURITY: Record<Access, Record<string, string[]>[]> = {
  public: [],
  storefront: [{ publishableKey: [] }, { secretKey: [] }, { operatorToken: [] }],
  merchant: [{ secretKey: [] }, { operatorToken: [] }],
  operator: [{ operatorToken: [] }],
};

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const schemas: Record<string, Json> = {};
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of Object.values(routes) as RouteSpec[]) {
    paths[route.path] = { ...paths[route.path], [route.method]: operationOf(route, schemas) };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'DistribuShop API',
      version: '1.0.0',
      description:
        'Multi-tenant shop on Citus. Every tenant route names the company, so each request is one single-shard query or transaction. Credentials are bearer tokens: a company key (publishable or secret) or the operator token; a key of another company answers 404. Errors are application/problem+json (RFC 9457).',
    },
    components: {
      securitySchemes: Object.fromEntries(
        Object.entries(SCHEMES).map(([name, { description }]) => [
          name,
          { type: 'http', scheme: 'bearer', description },
        ]),
      ),
      schemas,
    },
    paths,
  };
  return cached;
}

/** The document as docs/openapi.json holds it: indented for people and diffs, one newline at the end. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
