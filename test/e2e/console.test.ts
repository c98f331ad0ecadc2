/**
 * The console in a real browser: Chromium driven by playwright-core against
 * serverless-offline and the test cluster (both started by e2e-setup). The cluster view
 * asks for the operator token, lists every node with its shard count and refreshes by
 * itself; the shop takes the company's key, finds a product by search, places an order of
 * two products with the publishable key and shows it with the stock taken; an order
 * for more than the stock names the short product; a checkout retried after its answer
 * was lost places one order, not two. It takes screenshots of both views: into a temporary
 * folder, or, under `npm run screenshots`, into docs/ for the README.
 *
 * The browser is Debian's `chromium` (/usr/bin/chromium, or CHROMIUM_PATH); .ci/run
 * installs it. Without one the test fails and says how to install it: it never passes
 * (or skips) without having driven a browser.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import type { ClusterStatus, Order, OrderPage, Product } from '../../web/src/api';
import { operatorToken } from '../support/credentials';
import { closeDb, query } from '../support/db';
import { newHttpCompany } from '../support/http';

const api = process.env.API_URL as string;
const browserPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasCitus = process.env.TEST_CITUS === '1';
// Without the background-networking flags Chromium keeps calling out, and a closed network refuses it.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The API as the operator (who may call any route), for setting up and checking what the page did. */
async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${operatorToken()}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api}${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

let context: BrowserContext;
let page: Page;
let profile: string;
/** Script errors and refused resources (a CSP violation, say) the page reported. */
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(browserPath)) {
    throw new Error(
      `No browser for the console's test: ${browserPath} does not exist. Install Debian's chromium ` +
        '(apt-get install -y chromium; .ci/run does this) or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  profile = mkdtempSync(path.join(os.tmpdir(), 'console-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // A 4xx the page asked for and then explained is logged by the browser; that is expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageErrors.push(message.text());
    }
  });
}, 30_000);

afterAll(async () => {
  await closeDb();
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** Waits for `locator`; on a timeout, says what the page showed instead. */
async function see(locator: Locator): Promise<void> {
  try {
    await locator.waitFor();
  } catch (error: unknown) {
    const shown = await page
      .locator('main')
      .innerText()
      .catch(() => '(nothing)');
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nThe page showed:\n${shown.slice(0, 2000)}`,
    );
  }
}

/**
 * A test run leaves the working tree as it was: the screenshots go to a temporary folder,
 * unless SCREENSHOTS_DIR names another (`npm run screenshots` names docs/, which the README
 * shows). Those are the Citus tier's: a cluster of one node is not what the README shows.
 */
const chosen = process.env.SCREENSHOTS_DIR;
const shots = chosen
  ? path.resolve(__dirname, '../..', chosen)
  : path.join(os.tmpdir(), 'distribushop-console');
const screenshot = async (name: string) => {
  if (chosen && !hasCitus) {
    throw new Error('The README shows the console on Citus: take its screenshots with Citus installed');
  }
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, name), fullPage: true });
};

/** The page leaves nothing wider than the window (no sideways scrolling). */
const fitsWidth = () => page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth);

async function expectCount(locator: Locator, count: number) {
  await see(locator.nth(count - 1));
  expect(await locator.count()).toBe(count);
}

describe('the cluster view', () => {
  // Tenants of different sizes for the view to draw (and the screenshot to show): each
  // made through the API, its catalogue filled by one single-shard statement.
  beforeAll(async () => {
    const tenants: [string, number][] = [
      ['Northwind Outfitters', 60],
      ['Harbor Goods', 48],
      ['Zephyr Supply Co.', 40],
      ['Kestrel Provisions', 32],
      ['Birch & Bloom', 26],
      ['Lumen Mercantile', 20],
      ['Falcon Gear', 16],
      ['Juniper Home', 14],
    ];
    for (const [name, products] of tenants) {
      const { id } = await call<{ id: number }>('POST', '/companies', { name });
      await query(
        `INSERT INTO products (company_id, name, sku, price_cents, stock)
         SELECT $1, 'Catalogue item ' || g, 'CAT-' || g, 1000 + g, 100 FROM generate_series(1, $2::int) g`,
        [id, products],
      );
    }
  });

  it('should ask for the operator token, say why a wrong one is refused, and keep the right one in the tab', async () => {
    await page.goto(`${api}/console#/cluster`);
    await see(page.getByRole('alert').filter({ hasText: 'operator token (ADMIN_TOKEN' }));
    const field = page.getByLabel('Operator token');
    await field.fill('not-the-operator-token-at-all');
    await field.press('Enter');
    await see(
      page
        .getByRole('alert')
        .filter({ hasText: 'The operator token was refused: The credential is not valid' }),
    );
    await field.fill(operatorToken());
    await field.press('Enter');
    await see(page.getByRole('list', { name: 'Nodes' }));
    const kept = await page
      .locator('html')
      .evaluate((html) => html.ownerDocument.defaultView?.sessionStorage.getItem('distribushop.adminToken'));
    expect(kept).toBe(JSON.stringify(operatorToken()));
  });

  it('should show the coordinator and every worker with their shard counts, and refresh by itself', async () => {
    const status = await call<ClusterStatus>('GET', '/cluster');
    // The operator token entered above is kept in this tab.
    await page.goto(`${api}/console#/cluster`);
    const columns = page.getByRole('list', { name: 'Nodes' }).locator(':scope > li');
    await expectCount(columns, status.nodes.length);

    for (const node of status.nodes) {
      const column = columns.filter({ hasText: `${node.host}:${node.port}` });
      expect(await column.getByRole('heading').first().textContent()).toContain(node.role);
      expect(await column.locator('.shards').textContent()).toBe(String(node.shards));
      expect(await column.locator('.pill').textContent()).toBe(node.state);
    }
    if (hasCitus) {
      expect(status.nodes.filter((n) => n.role === 'worker')).toHaveLength(Number(process.env.TEST_WORKERS));
      expect(status.nodes.every((n) => n.role === 'coordinator' || n.shards > 0)).toBe(true);
    } else {
      await see(page.getByText('The database is not distributed'));
    }

    // The page asks again by itself, without being reloaded.
    const root = page.locator('html');
    await root.evaluate((html) => html.setAttribute('data-stayed', 'yes'));
    const before = await page.locator('.refresh').textContent();
    await see(page.locator('.refresh', { hasNotText: before ?? '' }));
    expect(await root.getAttribute('data-stayed')).toBe('yes');
    await screenshot('console-cluster.png');
  });
  it('should draw a worker that cannot be reached, a rebalance in progress and a database that is not distributed', async () => {
    // States the shared test cluster must not be put in while other tests use it: the
    // page is given them as GET /cluster would tell them.
    const real = await call<ClusterStatus>('GET', '/cluster');
    const worker = real.nodes.find((n) => n.role === 'worker') ?? real.nodes[0];
    if (!worker) throw new Error('GET /cluster listed no node');
    const degraded: ClusterStatus = {
      ...real,
      mode: 'citus',
      summary: `Citus 13.0-1: DEGRADED: ${worker.host}:${worker.port} cannot be reached (their tenants get 503)`,
      nodes: real.nodes.map((n) => (n === worker ? { ...n, state: 'unreachable', dataBytes: null } : n)),
      rebalance: {
        running: true,
        jobId: 7,
        state: 'running',
        tasksDone: 2,
        tasksTotal: 6,
        startedAt: new Date().toISOString(),
        finishedAt: null,
      },
      operations: [{ kind: 'isolate-tenant', detail: 'company 3 to a shard of its own', startedAt: null }],
    };
    const plain: ClusterStatus = {
      ...real,
      mode: 'plain',
      citusVersion: null,
      summary: 'Not distributed: plain PostgreSQL, one node, no shards (install Citus for a cluster)',
      nodes: real.nodes.slice(0, 1),
      rebalance: null,
      operations: [],
    };
    let shown = degraded;
    await page.route('**/cluster', (route) => route.fulfill({ json: shown }));
    try {
      await page.reload();
      const column = page
        .getByRole('list', { name: 'Nodes' })
        .locator(':scope > li')
        .filter({ hasText: `${worker.host}:${worker.port}` });
      await see(column.getByText('its tenants get 503'));
      expect(await column.locator('.pill').textContent()).toBe('unreachable');
      const progress = page.getByRole('progressbar', {
        name: /Rebalance job 7 running: 2 of 6 shard moves done/,
      });
      await see(progress);
      expect([await progress.getAttribute('value'), await progress.getAttribute('max')]).toEqual(['2', '6']);
      await see(page.getByText('Isolating a tenant to a shard of its own: company 3 to a shard of its own'));

      shown = plain;
      await see(page.getByText('The database is not distributed'));
      await expectCount(page.getByRole('list', { name: 'Nodes' }).locator(':scope > li'), 1);
    } finally {
      await page.unroute('**/cluster');
    }
  });
});

describe('the shop view', () => {
  let companyId: number;
  let keys: { secretKey: string; publishableKey: string };
  let boots: Product;
  let stove: Product;

  beforeAll(async () => {
    const company = await newHttpCompany('Console Outfitters');
    companyId = company.id;
    keys = company;
    const create = (name: string, sku: string, priceCents: number, stock: number) =>
      call<Product>('POST', `/companies/${companyId}/products`, { name, sku, priceCents, stock });
    boots = await create('Trail Boots', 'BOOT-42', 12_900, 5);
    stove = await create('Camp Stove', 'STOVE-7', 4_500, 4);
    for (let i = 1; i <= 10; i++) await create(`Wool Socks No. ${i}`, `SOCK-${i}`, 1_200 + i * 100, 50);
  });

  const products = () => page.getByRole('region', { name: 'Products' });
  const cart = () => page.getByRole('region', { name: 'Cart' });
  const orders = () => page.getByRole('region', { name: 'Your orders' });
  const item = (name: string) =>
    products()
      .getByRole('listitem')
      .filter({ has: page.getByText(name, { exact: true }) });
  const stockOf = async (name: string) => Number(await item(name).locator('.stock-count').textContent());
  const stockInApi = async (product: Product) =>
    (await call<Product>('GET', `/companies/${companyId}/products/${product.id}`)).stock;

  async function search(text: string) {
    const box = products().getByLabel('Search products by name');
    await box.fill(text);
    await box.press('Enter');
    await see(
      products().getByRole('list', { name: text ? `Products matching ${text}` : 'Products', exact: true }),
    );
  }

  async function add(name: string, quantity: number) {
    const qty = item(name).getByLabel(`Quantity of ${name}`);
    await qty.fill(String(quantity));
    await qty.press('Tab');
    await item(name)
      .getByRole('button', { name: `Add ${name} to the cart` })
      .press('Enter');
    await see(cart().getByText(name, { exact: true }));
  }

  const placeOrder = () => cart().getByRole('button', { name: 'Place the order' }).press('Enter');
  async function useKey(key: string) {
    const field = page.getByLabel(`Key of company ${companyId}`);
    await field.fill(key);
    await field.press('Enter');
  }
  const orderIdIn = async (locator: Locator) =>
    Number(/Order (\d+)/.exec((await locator.textContent()) ?? '')?.[1]);

  it('should find products by search, place an order of two, show it and the stock taken', async () => {
    await page.getByRole('link', { name: 'Shop', exact: true }).click();
    const heading = page.getByRole('heading', { name: 'Shop', level: 2 });
    await see(heading);
    expect(await heading.evaluate((h) => h === h.ownerDocument.activeElement)).toBe(true);

    const companyField = page.getByLabel('Company id');
    await companyField.fill(String(companyId));
    await companyField.press('Enter');
    await see(page.getByRole('heading', { name: /Console Outfitters/ }));
    // Eight products a page, twelve in all: a second page by cursor.
    await products().getByRole('button', { name: 'Next page' }).click();
    await see(item('Wool Socks No. 10'));
    await products().getByRole('button', { name: 'Previous page' }).click();
    await see(item('Trail Boots'));

    await search('Boots');
    expect(await products().getByRole('listitem').count()).toBe(1);
    expect(await stockOf('Trail Boots')).toBe(5);
    await add('Trail Boots', 2);
    await search('Stove');
    await add('Camp Stove', 1);

    // The catalogue is public; ordering needs a key of this company, the storefront's will do.
    await see(cart().getByText('Placing an order needs a key of this company'));
    expect(await cart().getByRole('button', { name: 'Place the order' }).isDisabled()).toBe(true);
    await useKey(`ds_pk_${companyId + 1}_${'x'.repeat(32)}`);
    await see(page.getByRole('alert').filter({ hasText: `This is not a key of company ${companyId}` }));
    await useKey(keys.publishableKey);
    await see(page.getByText('Using the publishable key'));
    await see(orders().getByText("Seeing and cancelling orders needs the company's secret key."));

    await cart().getByLabel('Your email').fill('ada@example.com');
    await cart().getByLabel('Your name').fill('Ada Lovelace');
    await placeOrder();
    const placed = cart()
      .getByRole('status')
      .filter({ hasText: /Order \d+ placed/ });
    await see(placed);
    const orderId = await orderIdIn(placed);
    expect(await placed.textContent()).toContain('2 × Trail Boots');
    expect(await placed.textContent()).toContain('1 × Camp Stove');

    const order = await call<Order>('GET', `/companies/${companyId}/orders/${orderId}`);
    expect(order.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ productId: boots.id, quantity: 2 }),
        expect.objectContaining({ productId: stove.id, quantity: 1 }),
      ]),
    );
    // The list asks again after the order: the stock drops by what was ordered, and says what it was.
    await see(item('Camp Stove').getByText('(was 4)'));
    expect(await stockOf('Camp Stove')).toBe(3);
    await search('Boots');
    expect(await stockOf('Trail Boots')).toBe(3);
    expect([await stockInApi(boots), await stockInApi(stove)]).toEqual([3, 3]);
    // The customer's orders are the merchant's to see: with the secret key, the order is listed.
    await page.getByRole('button', { name: 'Forget it' }).click();
    await useKey(keys.secretKey);
    await see(page.getByText('Using the secret key'));
    await see(orders().getByText(`Order ${orderId}`));
    await search('');
    await see(item('Trail Boots').getByText('(was 5)'));
    await screenshot('console-shop.png');
    await search('Boots');
  });

  it('should name the short product when an order asks for more than the stock', async () => {
    await add('Trail Boots', 10);
    await placeOrder();
    const alert = cart().getByRole('alert');
    await see(alert);
    expect(await alert.textContent()).toContain('Not enough stock; nothing was ordered.');
    expect(await alert.textContent()).toContain('Trail Boots: you asked for 10, 3 left');
    expect(await stockInApi(boots)).toBe(3);
  });

  it('should place a retried checkout once, with the same Idempotency-Key', async () => {
    const cartQty = cart().getByLabel('Quantity of Trail Boots');
    await cartQty.fill('1');
    await cartQty.press('Tab');

    const ordersPath = `**/companies/${companyId}/orders`;
    const keys: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith(`/companies/${companyId}/orders`)) {
        keys.push(request.headers()['idempotency-key'] ?? '');
      }
    });
    // The first attempt reaches the API, and its answer is lost on the way back.
    let lost = false;
    await page.route(ordersPath, async (route) => {
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    try {
      await placeOrder();
      const alert = cart().getByRole('alert');
      await see(alert.getByText('Placing it again is safe'));
      expect(await alert.textContent()).toContain('could not be reached');

      await placeOrder();
      const replayed = cart().getByRole('status').filter({ hasText: 'had already been placed' });
      await see(replayed);
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);

      const order = await call<Order>('GET', `/companies/${companyId}/orders/${await orderIdIn(replayed)}`);
      const history = await call<OrderPage>(
        'GET',
        `/companies/${companyId}/customers/${order.customerId}/orders?limit=10`,
      );
      expect(history.items).toHaveLength(2);
      expect(await stockInApi(boots)).toBe(2);
      await see(item('Trail Boots').getByText('(was 3)'));
    } finally {
      await page.unroute(ordersPath);
    }
  });

  it('should cancel an order from the list and put its stock back', async () => {
    const newest = orders().getByRole('listitem').first();
    const orderId = await orderIdIn(newest);
    await orders()
      .getByRole('button', { name: `Cancel order ${orderId}` })
      .press('Enter');
    await see(newest.getByText('cancelled', { exact: true }));
    await see(item('Trail Boots').getByText('(was 2)'));
    expect(await stockOf('Trail Boots')).toBe(3);
    expect(await stockInApi(boots)).toBe(3);
  });

  it('should say in words that a company does not exist', async () => {
    const companyField = page.getByLabel('Company id');
    await companyField.fill('999999999');
    await companyField.press('Enter');
    await see(page.getByRole('alert').filter({ hasText: 'Company 999999999 does not exist' }));
  });

  it("should fit a phone's width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${api}/console#/shop/${companyId}`);
      await see(item('Trail Boots'));
      expect(await fitsWidth()).toBe(true);
      await page.goto(`${api}/console#/cluster`);
      await see(page.getByRole('list', { name: 'Nodes' }));
      expect(await fitsWidth()).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });
});
