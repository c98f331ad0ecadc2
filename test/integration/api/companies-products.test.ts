import { handler as getCompany } from '../../../functions/companies/get';
import { handler as createProduct } from '../../../functions/products/create';
import { handler as getProduct } from '../../../functions/products/get';
import { handler as listProducts } from '../../../functions/products/list';
import { handler as updateProduct } from '../../../functions/products/update';
import { routes } from '../../../lib/http/routes';
import type { Page, Product } from '../../../lib/shop/types';
import { closeDb } from '../../support/db';
import { invoke } from '../../support/lambda';
import { newCompany, newProduct } from '../../support/shop';

afterAll(closeDb);

describe('companies', () => {
  it('should create a company and get it back', async () => {
    const company = await newCompany('Acme Widgets');
    expect(company).toMatchObject({ name: 'Acme Widgets', imageUrl: null });
    const reply = await invoke(getCompany, routes.getCompany, { params: { companyId: company.id } });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(company);
  });

  it('should answer 404 problem+json for an unknown company', async () => {
    const reply = await invoke(getCompany, routes.getCompany, { params: { companyId: 987654321 } });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ type: '/problems/not-found', status: 404, title: 'Not found' });
  });

  it('should answer 400 for a path id that is not a number', async () => {
    const reply = await invoke(getCompany, routes.getCompany, { params: { companyId: 'abc' } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      type: '/problems/validation',
      errors: [{ path: 'path.companyId', message: 'must be a whole number from 1 to 9007199254740991' }],
    });
  });
});

describe('products', () => {
  it('should create, get, update and list products', async () => {
    const company = await newCompany();
    const created = await newProduct(company.id, {
      name: 'Blue Mug',
      sku: 'MUG-BLUE',
      priceCents: 1250,
      stock: 7,
    });
    expect(created).toMatchObject({
      companyId: company.id,
      name: 'Blue Mug',
      sku: 'MUG-BLUE',
      priceCents: 1250,
      stock: 7,
    });

    const got = await invoke<Product>(getProduct, routes.getProduct, {
      params: { companyId: company.id, productId: created.id },
    });
    expect(got.body).toEqual(created);

    const patched = await invoke<Product>(updateProduct, routes.updateProduct, {
      params: { companyId: company.id, productId: created.id },
      body: { priceCents: 1300, stock: 3 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ priceCents: 1300, stock: 3, name: 'Blue Mug' });
  });

  it('should page through products in id order and search by name', async () => {
    const company = await newCompany();
    const made: Product[] = [];
    for (const name of ['Red Apple', 'Green Apple', 'Banana', 'Apple Pie', 'Cherry']) {
      made.push(await newProduct(company.id, { name }));
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const reply = await invoke<Page<Product>>(listProducts, routes.listProducts, {
        params: { companyId: company.id },
        query: cursor ? { limit: 2, cursor } : { limit: 2 },
      });
      expect(reply.status).toBe(200);
      expect(reply.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...reply.body.items.map((p) => p.id));
      cursor = reply.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(made.map((p) => p.id));

    const search = await invoke<Page<Product>>(listProducts, routes.listProducts, {
      params: { companyId: company.id },
      query: { q: 'apple' },
    });
    expect(search.body.items.map((p) => p.name)).toEqual(['Red Apple', 'Green Apple', 'Apple Pie']);
    expect(search.body.nextCursor).toBeNull();
  });

  it('should refuse a limit over the maximum and a forged cursor', async () => {
    const company = await newCompany();
    const tooMany = await invoke(listProducts, routes.listProducts, {
      params: { companyId: company.id },
      query: { limit: 1000 },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({
      errors: [{ path: 'query.limit', message: 'must be a whole number from 1 to 100' }],
    });
    const forged = await invoke(listProducts, routes.listProducts, {
      params: { companyId: company.id },
      query: { cursor: 'bm90LWpzb24' },
    });
    expect(forged.status).toBe(400);
  });

  it('should refuse invalid products with every issue listed, and write nothing', async () => {
    const company = await newCompany();
    const reply = await invoke(createProduct, routes.createProduct, {
      params: { companyId: company.id },
      body: { name: '', sku: 'has space', priceCents: -1, stock: 1.5, colour: 'red' },
    });
    expect(reply.status).toBe(400);
    const paths = (reply.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(['body', 'body.name', 'body.priceCents', 'body.sku', 'body.stock']);
    const list = await invoke<Page<Product>>(listProducts, routes.listProducts, {
      params: { companyId: company.id },
    });
    expect(list.body.items).toEqual([]);
  });

  it('should answer 409 for a duplicate sku and 404 for an unknown company', async () => {
    const company = await newCompany();
    await newProduct(company.id, { sku: 'DUP-1' });
    const dup = await invoke(createProduct, routes.createProduct, {
      params: { companyId: company.id },
      body: { name: 'Again', sku: 'DUP-1', priceCents: 1, stock: 1 },
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ type: '/problems/conflict' });
    const unknown = await invoke(createProduct, routes.createProduct, {
      params: { companyId: 987654321 },
      body: { name: 'Ghost', sku: 'G-1', priceCents: 1, stock: 1 },
    });
    expect(unknown.status).toBe(404);
  });

  it('should refuse an empty patch and a negative stock', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id);
    const params = { companyId: company.id, productId: product.id };
    expect((await invoke(updateProduct, routes.updateProduct, { params, body: {} })).status).toBe(400);
    expect((await invoke(updateProduct, routes.updateProduct, { params, body: { stock: -1 } })).status).toBe(
      400,
    );
  });

  it("should never show one company's product to another", async () => {
    const a = await newCompany();
    const b = await newCompany();
    const product = await newProduct(a.id);
    const reply = await invoke(getProduct, routes.getProduct, {
      params: { companyId: b.id, productId: product.id },
    });
    expect(reply.status).toBe(404);
    const patch = await invoke(updateProduct, routes.updateProduct, {
      params: { companyId: b.id, productId: product.id },
      body: { stock: 0 },
    });
    expect(patch.status).toBe(404);
  });
});
