/**
 * Browsers on other origins (CORS): only origins in CORS_ORIGINS, only public and
 * storefront routes, errors included; a preflight is answered by the catch-all. This file
 * allows one origin before anything reads the configuration.
 */
process.env.CORS_ORIGINS = 'https://shop.example.com';

import { keyFor } from '../../support/credentials';
import { closeDb } from '../../support/db';
import { dispatch } from '../../support/gateway';
import { newCompany, newProduct } from '../../support/shop';

afterAll(closeDb);

const ALLOWED = 'https://shop.example.com';

describe('CORS', () => {
  it('should let an allowed origin read the catalogue and a storefront answer, errors included', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id);
    const read = await dispatch({
      method: 'GET',
      path: `/companies/${company.id}/products/${product.id}`,
      headers: { origin: ALLOWED },
    });
    expect(read.status).toBe(200);
    expect(read.headers['Access-Control-Allow-Origin']).toBe(ALLOWED);
    expect(read.headers['Access-Control-Expose-Headers']).toContain('x-request-id');
    expect(read.headers.Vary).toBe('Origin');
    // A storefront call without its key: the 401 is readable by the page that made it.
    const refused = await dispatch({
      method: 'POST',
      path: `/companies/${company.id}/orders`,
      headers: { origin: ALLOWED, 'content-type': 'application/json', 'idempotency-key': 'cors-1' },
      body: JSON.stringify({
        customer: { email: 'c@example.com', name: 'C' },
        items: [{ productId: product.id, quantity: 1 }],
      }),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers['Access-Control-Allow-Origin']).toBe(ALLOWED);
  });

  it('should say nothing to another origin, nor on a merchant or operator route', async () => {
    const company = await newCompany();
    const other = await dispatch({
      method: 'GET',
      path: `/companies/${company.id}`,
      headers: { origin: 'https://evil.example.com' },
    });
    expect(other.status).toBe(200);
    expect(other.headers['Access-Control-Allow-Origin']).toBeUndefined();
    const merchant = await dispatch({
      method: 'GET',
      path: `/companies/${company.id}/campaigns`,
      headers: { origin: ALLOWED, authorization: `Bearer ${await keyFor(company.id)}` },
    });
    expect(merchant.status).toBe(200);
    expect(merchant.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('should answer a preflight for a storefront route, and not for a merchant one', async () => {
    const preflight = (path: string, method: string, origin = ALLOWED) =>
      dispatch({
        method: 'OPTIONS',
        path,
        headers: {
          origin,
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization',
        },
      });
    const ok = await preflight('/companies/5/orders', 'POST');
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({
      'Access-Control-Allow-Origin': ALLOWED,
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': expect.stringContaining('idempotency-key'),
      'Access-Control-Max-Age': '600',
    });
    // A product's PATCH is the merchant's: the browser is told nothing, and the path's methods are named as usual.
    const merchant = await preflight('/companies/5/products/7', 'PATCH');
    expect(merchant.status).toBe(405);
    expect(merchant.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect((await preflight('/companies/5/orders', 'POST', 'https://evil.example.com')).status).toBe(405);
  });
});
