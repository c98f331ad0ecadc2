/**
 * A company's keys: made (the text shown once), listed without their text, revoked and
 * refused from then on, within the stated bound by an instance that had trusted the key.
 * The database holds no key text anywhere, and a key checked once costs the order path no
 * further statement.
 *
 * This file trusts a checked key for 1 s (API_KEY_CACHE_SECONDS), so that the bound can be
 * waited out; the service's default is 30 s.
 */
process.env.API_KEY_CACHE_SECONDS = '1';

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { handler as createKeyHandler } from '../../../functions/keys/create';
import { handler as listKeysHandler } from '../../../functions/keys/list';
import { handler as revokeKeyHandler } from '../../../functions/keys/revoke';
import { handler as placeOrderHandler } from '../../../functions/orders/place';
import { handler as getProduct } from '../../../functions/products/get';
import { handler as updateProduct } from '../../../functions/products/update';
import { MAX_ACTIVE_KEYS } from '../../../lib/auth/api-keys';
import { keyHash } from '../../../lib/auth/key-text';
import { type Db, db, setDefaultDb } from '../../../lib/db';
import { routes } from '../../../lib/http/routes';
import { NEW_ORDER_IDS, PLACE_ORDER_CALL } from '../../../lib/shop/orders';
import { closeDb, query } from '../../support/db';
import { invoke } from '../../support/lambda';
import { newCompany, newProduct } from '../../support/shop';

afterAll(closeDb);

interface NewKey {
  id: number;
  kind: string;
  prefix: string;
  key: string;
  createdAt: string;
}

const makeKey = (companyId: number, kind: 'secret' | 'publishable', as: 'secret' | 'operator' = 'operator') =>
  invoke<NewKey>(createKeyHandler, routes.createKey, { params: { companyId }, body: { kind }, as });

const bearer = (key: string) => ({ as: { bearer: key } });

describe('keys', () => {
  it('should make a key whose text names its kind and company, shown once, and list it without the text', async () => {
    const company = await newCompany();
    const made = await makeKey(company.id, 'secret');
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(new RegExp(`^ds_sk_${company.id}_[0-9A-Za-z]{32}$`));
    expect(made.body.key.startsWith(made.body.prefix)).toBe(true);
    expect(made.body.prefix).toHaveLength(`ds_sk_${company.id}_`.length + 4);
    const publishable = await makeKey(company.id, 'publishable', 'secret');
    expect(publishable.body.key).toMatch(new RegExp(`^ds_pk_${company.id}_`));

    const listed = await invoke<{ items: Record<string, unknown>[] }>(listKeysHandler, routes.listKeys, {
      params: { companyId: company.id },
      ...bearer(made.body.key),
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((k) => k.id)).toContain(made.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(made.body.key);
    expect(listed.body.items.find((k) => k.id === made.body.id)).toEqual({
      id: made.body.id,
      kind: 'secret',
      prefix: made.body.prefix,
      createdAt: made.body.createdAt,
      revokedAt: null,
    });
  });

  it('should let a merchant rotate a key: a new one works before the old one is revoked', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id);
    const old = (await makeKey(company.id, 'secret')).body.key;
    const rotated = (await makeKey(company.id, 'secret', 'secret')).body;
    const patch = (key: string) =>
      invoke(updateProduct, routes.updateProduct, {
        params: { companyId: company.id, productId: product.id },
        body: { priceCents: 777 },
        ...bearer(key),
      });
    expect((await patch(old)).status).toBe(200);
    expect((await patch(rotated.key)).status).toBe(200);
    const oldId = (
      await invoke<{ items: { id: number; prefix: string }[] }>(listKeysHandler, routes.listKeys, {
        params: { companyId: company.id },
      })
    ).body.items.find((k) => old.startsWith(k.prefix))?.id;
    const revoked = await invoke(revokeKeyHandler, routes.revokeKey, {
      params: { companyId: company.id, keyId: oldId as number },
      ...bearer(rotated.key),
    });
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBeUndefined();
    // The instance that revoked it refuses it at once; the new key goes on working.
    expect((await patch(old)).status).toBe(401);
    expect((await patch(rotated.key)).status).toBe(200);
    // Revoking again changes nothing; an unknown key, or another company's, is a 404.
    const again = await invoke(revokeKeyHandler, routes.revokeKey, {
      params: { companyId: company.id, keyId: oldId as number },
    });
    expect(again.status).toBe(204);
    const unknown = await invoke(revokeKeyHandler, routes.revokeKey, {
      params: { companyId: company.id, keyId: 9_007_199_254_740_991 },
    });
    expect(unknown.status).toBe(404);
  });

  it(`should refuse a key past ${MAX_ACTIVE_KEYS} active ones, and make one again once a key is revoked`, async () => {
    const company = await newCompany();
    const made: NewKey[] = [];
    for (let i = 0; i < MAX_ACTIVE_KEYS; i += 1) made.push((await makeKey(company.id, 'publishable')).body);
    const refused = await makeKey(company.id, 'secret');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: '/problems/conflict' });
    await invoke(revokeKeyHandler, routes.revokeKey, {
      params: { companyId: company.id, keyId: made[0]?.id as number },
      as: 'operator',
    });
    expect((await makeKey(company.id, 'secret')).status).toBe(201);
  });

  it('should answer 404 for keys of a company that does not exist', async () => {
    const reply = await makeKey(9_007_199_254_740_991, 'secret');
    expect(reply.status).toBe(404);
  });

  it('should refuse a revoked key within the stated bound on an instance that had trusted it', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id);
    const { key, id } = (await makeKey(company.id, 'secret')).body;
    const read = () =>
      invoke(updateProduct, routes.updateProduct, {
        params: { companyId: company.id, productId: product.id },
        body: { stock: 9 },
        ...bearer(key),
      });
    expect((await read()).status).toBe(200);
    // Another instance revokes it: this one's trust lasts until its entry ends.
    await query('UPDATE api_keys SET revoked_at = now() WHERE company_id = $1 AND id = $2', [company.id, id]);
    const revokedAt = Date.now();
    expect((await read()).status).toBe(200);
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await read()).status;
    }
    const waited = Date.now() - revokedAt;
    expect(status).toBe(401);
    expect(waited).toBeLessThanOrEqual(1_000 + 250);
  });
});

describe('npm run tenant -- key', () => {
  const tenant = async (...args: string[]) => {
    const root = path.join(__dirname, '../../..');
    const { stdout } = await promisify(execFile)(
      path.join(root, 'node_modules/.bin/tsx'),
      ['infra/tenant.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: 'error' },
      },
    );
    return stdout;
  };

  it('should make a key and print it once, list keys without their text, and revoke one', async () => {
    const company = await newCompany();
    const made = await tenant('key', 'create', String(company.id), '--publishable');
    const key = new RegExp(`ds_pk_${company.id}_[0-9A-Za-z]{32}`).exec(made)?.[0] as string;
    expect(key).toBeDefined();
    const id = /key (\d+) of company/.exec(made)?.[1] as string;
    const listed = await tenant('key', 'list', String(company.id));
    expect(listed).toContain(`key ${id}`);
    expect(listed).toContain(`${key.slice(0, `ds_pk_${company.id}_`.length + 4)}…`);
    expect(listed).not.toContain(key);
    expect(listed).toContain('active');
    expect(await tenant('key', 'revoke', String(company.id), id)).toContain('is revoked');
    expect(await tenant('key', 'list', String(company.id))).toMatch(/revoked \d{4}-/);
    const refused = await invoke(placeOrderHandler, routes.placeOrder, {
      params: { companyId: company.id },
      headers: { 'idempotency-key': randomUUID() },
      body: { customer: { email: 'cli@example.com', name: 'C' }, items: [{ productId: 1, quantity: 1 }] },
      ...bearer(key),
    });
    expect(refused.status).toBe(401);
  });
});

describe('what is stored', () => {
  it('should keep no key text in any column of any table, only its hash', async () => {
    const company = await newCompany();
    const { key, prefix } = (await makeKey(company.id, 'secret')).body;
    const secretPart = key.slice(prefix.length);
    // A text the search must find, to show that it looks where the keys would be.
    const marker = `marker-${randomUUID()}`;
    await newProduct(company.id, { name: marker });
    const { rows: tables } = await query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toContain('public.api_keys');
    const found: Record<string, number> = {};
    for (const { name } of tables) {
      for (const [label, text] of [
        ['key', key],
        ['secret part', secretPart],
        ['marker', marker],
      ] as const) {
        const { rows } = await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${name} t WHERE strpos(t::text, $1) > 0`,
          [text],
        );
        if ((rows[0]?.n ?? 0) > 0) found[`${label} in ${name}`] = rows[0]?.n ?? 0;
      }
    }
    expect(found).toEqual({ 'marker in public.products': 1 });
    const stored = await query<{ n: number }>(
      'SELECT count(*)::int AS n FROM api_keys WHERE company_id = $1 AND key_hash = $2',
      [company.id, keyHash(key)],
    );
    expect(stored.rows).toEqual([{ n: 1 }]);
  });
});

describe('the order path with a key', () => {
  it('should add no statement once the key is trusted: the order is still the ids and one delegated call', async () => {
    const company = await newCompany();
    const product = await newProduct(company.id, { stock: 100 });
    const { key } = (await makeKey(company.id, 'publishable')).body;
    const inner = db();
    const statements: string[] = [];
    const counting: Db = {
      query: (text, params) => {
        statements.push(text);
        return inner.query(text, params);
      },
      withTransaction: (work) =>
        inner.withTransaction((tx) =>
          work({
            query: (text, params) => {
              statements.push(text);
              return tx.query(text, params);
            },
          }),
        ),
      close: () => inner.close(),
    };
    const order = () =>
      invoke(placeOrderHandler, routes.placeOrder, {
        params: { companyId: company.id },
        headers: { 'idempotency-key': randomUUID() },
        body: {
          customer: { email: 'path@example.com', name: 'P' },
          items: [{ productId: product.id, quantity: 1 }],
        },
        ...bearer(key),
      });
    setDefaultDb(counting);
    try {
      expect((await order()).status).toBe(201);
      expect(statements).toHaveLength(3);
      statements.length = 0;
      expect((await order()).status).toBe(201);
      expect(statements).toEqual([NEW_ORDER_IDS, PLACE_ORDER_CALL]);
      // A public read reads no key at all.
      statements.length = 0;
      const read = await invoke(getProduct, routes.getProduct, {
        params: { companyId: company.id, productId: product.id },
        ...bearer(key),
      });
      expect(read.status).toBe(200);
      expect(statements).toHaveLength(1);
      // A burst that brings a key not yet checked here looks it up once, not once a request.
      const fresh = (await makeKey(company.id, 'secret')).body.key;
      statements.length = 0;
      const burst = await Promise.all(
        Array.from({ length: 20 }, () =>
          invoke(updateProduct, routes.updateProduct, {
            params: { companyId: company.id, productId: product.id },
            body: { priceCents: 1234 },
            ...bearer(fresh),
          }),
        ),
      );
      expect(burst.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(statements.filter((s) => s.includes('FROM api_keys'))).toHaveLength(1);
    } finally {
      setDefaultDb(inner);
    }
  });
});
