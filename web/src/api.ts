/**
 * The API as the console calls it: same origin, relative paths, JSON. Every request and
 * response type comes from the zod schemas the handlers validate with
 * (lib/http/contract/), imported as types only, so nothing of the server is bundled
 * and a change to the contract that the page does not follow fails `npm run typecheck`.
 * test/unit/console-api.test.ts checks each call against the route table.
 */
import type { FieldIssue, ShortProduct } from '../../lib/errors';
import type * as contract from '../../lib/http/contract';
import type { ProblemDocument } from '../../lib/http/middleware/problem';
import type { input, output } from '../../lib/zod';

export type Company = output<typeof contract.companyOut>;
export type Product = output<typeof contract.productOut>;
export type Order = output<typeof contract.orderOut>;
export type OrderIn = input<typeof contract.orderIn>;
export type ProductQuery = input<typeof contract.productListQuery>;
export type PageQuery = input<typeof contract.pageQuery>;
export type ClusterStatus = output<typeof contract.clusterStatusOut>;
export type NodeStatus = ClusterStatus['nodes'][number];
export type TenantStatus = ClusterStatus['largestTenants'][number];
export type Page<T extends contract.Schema> = output<ReturnType<typeof contract.page<T>>>;
export type ProductPage = Page<typeof contract.productOut>;
export type OrderPage = Page<typeof contract.orderOut>;

/** A problem document as the API sends it, with the members some types add. */
export type Problem = ProblemDocument & { errors?: FieldIssue[]; products?: ShortProduct[] };

/**
 * A request that did not succeed: the API's problem (its `detail` is the message), an
 * answer that was not one, or no answer at all (`status` 0: the network).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(message);
  }

  /** The problem's type without its prefix, e.g. `insufficient-stock`. */
  get type(): string | undefined {
    return this.problem?.type.replace(/^\/problems\//, '');
  }
}

/** What a failed call says to a person: the problem's detail, never raw JSON. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return `Something went wrong in the page: ${error.message}`;
  return 'Something went wrong in the page';
}

export interface Reply<T> {
  status: number;
  body: T;
}

export interface ApiOptions {
  /** Where to send requests; the page's own origin by default. */
  fetch?: typeof fetch;
  /** The operator token for GET /cluster, when one is known. */
  adminToken?: () => string | null;
  /** The key entered for a company (publishable or secret), sent with its keyed calls. */
  companyKey?: (companyId: number) => string | null;
}

type Query = Record<string, string | undefined>;

const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Problem).detail === 'string' &&
  typeof (value as Problem).status === 'number';

async function readError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isProblem(parsed)) return new ApiError(parsed.detail, response.status, parsed);
  const reason = response.statusText ? ` ${response.statusText}` : '';
  return new ApiError(
    `The server answered ${response.status}${reason} without saying why; try again shortly`,
    response.status,
  );
}

const segment = (value: number) => encodeURIComponent(String(value));

/** The API's calls, each typed by the contract. */
export function createApi(options: ApiOptions = {}) {
  const send = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    init: { query?: Query; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined && value !== '') search.set(name, value);
    }
    const text = search.toString();
    const url = text ? `${path}?${text}` : path;
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await send(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch {
      throw new ApiError(
        'The service could not be reached (no answer from the network); check the connection and try again',
        0,
      );
    }
    if (!response.ok) throw await readError(response);
    return { status: response.status, body: (await response.json()) as T };
  }

  const bearer = (credential: string | null | undefined): Record<string, string> =>
    credential ? { authorization: `Bearer ${credential}` } : {};
  // Only the calls of the company's own routes carry its key; the catalogue is public.
  const keyed = (companyId: number) => bearer(options.companyKey?.(companyId));

  return {
    /** GET /cluster, with the operator token when there is one. */
    cluster: () => call<ClusterStatus>('GET', '/cluster', { headers: bearer(options.adminToken?.()) }),
    company: (companyId: number) => call<Company>('GET', `/companies/${segment(companyId)}`),
    products: (companyId: number, query: ProductQuery = {}) =>
      call<ProductPage>('GET', `/companies/${segment(companyId)}/products`, { query }),
    /** 201: placed; 200: the same order again (the key had been used with this body). */
    placeOrder: (companyId: number, idempotencyKey: string, order: OrderIn) =>
      call<Order>('POST', `/companies/${segment(companyId)}/orders`, {
        body: order,
        headers: { 'idempotency-key': idempotencyKey, ...keyed(companyId) },
      }),
    order: (companyId: number, orderId: number) =>
      call<Order>('GET', `/companies/${segment(companyId)}/orders/${segment(orderId)}`, {
        headers: keyed(companyId),
      }),
    cancelOrder: (companyId: number, orderId: number) =>
      call<Order>('POST', `/companies/${segment(companyId)}/orders/${segment(orderId)}/cancel`, {
        headers: keyed(companyId),
      }),
    customerOrders: (companyId: number, customerId: number, query: PageQuery = {}) =>
      call<OrderPage>('GET', `/companies/${segment(companyId)}/customers/${segment(customerId)}/orders`, {
        query,
        headers: keyed(companyId),
      }),
  };
}

export type Api = ReturnType<typeof createApi>;
