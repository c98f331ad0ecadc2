/**
 * A company's API keys: made, listed, revoked, and checked. A key is checked by one lookup
 * of its hash on the shard group of the company its text names (lib/auth/key-text.ts), and
 * an instance then trusts it for API_KEY_CACHE_SECONDS (30 at most), so that a busy route
 * pays no database round trip for its key. A revoked key is therefore refused at once by
 * the instance that revoked it and by every other instance within that time.
 *
 * Nothing here logs or returns a key's text or hash, except `createKey`, which returns the
 * text once to whoever made the key.
 */
import { config } from '../config';
import { db, type Queryable, REPEATABLE } from '../db';
import { ConflictError, NotFoundError } from '../errors';
import { cursorKeys, decodeCursor, toPage } from '../shop/cursor';
import type { Page, PageOptions } from '../shop/types';
import { type KeyKind, type KeyText, keyPrefix, newKeyText, readKeyText } from './key-text';

/** Active keys a company may hold at once: enough to rotate any key without downtime. */
export const MAX_ACTIVE_KEYS = 20;

export interface ApiKey {
  id: number;
  kind: KeyKind;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** A key as it is made: the only time its text is seen. */
export interface NewApiKey {
  id: number;
  kind: KeyKind;
  prefix: string;
  key: string;
  createdAt: string;
}

/** Who a valid key speaks for. */
export interface KeyHolder {
  companyId: number;
  keyId: number;
  kind: KeyKind;
}

interface KeyRow {
  id: number;
  kind: KeyKind;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toApiKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  kind: r.kind,
  prefix: r.prefix,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/**
 * Makes a key for a company. The company's row is locked while the active keys are
 * counted, so that concurrent requests cannot pass MAX_ACTIVE_KEYS together.
 */
export async function createKey(companyId: number, kind: KeyKind, database = db()): Promise<NewApiKey> {
  const key = newKeyText(companyId, kind);
  const made = await database.withTransaction(async (tx) => {
    const company = await tx.query('SELECT 1 FROM companies WHERE id = $1 FOR UPDATE', [companyId]);
    if (!company.rowCount) throw new NotFoundError(`Company ${companyId} does not exist`);
    const { rows: counted } = await tx.query<{ active: number }>(
      'SELECT count(*)::int AS active FROM api_keys WHERE company_id = $1 AND revoked_at IS NULL',
      [companyId],
    );
    if ((counted[0]?.active ?? 0) >= MAX_ACTIVE_KEYS) {
      throw new ConflictError(
        `Company ${companyId} already has ${MAX_ACTIVE_KEYS} active keys, the most it may hold; revoke one first`,
      );
    }
    const { rows } = await tx.query<KeyRow>(
      `INSERT INTO api_keys (company_id, kind, prefix, key_hash) VALUES ($1, $2, $3, $4)
       RETURNING id, kind, prefix, created_at, revoked_at`,
      [companyId, kind, keyPrefix(key), readKeyText(key)?.hash],
    );
    return rows[0] as KeyRow;
  });
  return { id: made.id, kind: made.kind, prefix: made.prefix, key, createdAt: made.created_at.toISOString() };
}

/** A company's keys, newest first, revoked ones included (never their text). */
export async function listKeys(
  companyId: number,
  opts: PageOptions,
  database: Queryable = db(),
): Promise<Page<ApiKey>> {
  const before = decodeCursor(opts.cursor, cursorKeys.apiKeys)?.[0] ?? null;
  const { rows } = await database.query<KeyRow>(
    `SELECT id, kind, prefix, created_at, revoked_at FROM api_keys
      WHERE company_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [companyId, before, opts.limit + 1],
    REPEATABLE,
  );
  if (rows.length === 0 && before === null) {
    const company = await database.query('SELECT 1 FROM companies WHERE id = $1', [companyId], REPEATABLE);
    if (!company.rowCount) throw new NotFoundError(`Company ${companyId} does not exist`);
  }
  return toPage(rows, opts.limit, toApiKey, (r) => [r.id]);
}

/** Revokes a key; revoking it again changes nothing. The key is refused from then on. */
export async function revokeKey(companyId: number, keyId: number, database: Queryable = db()): Promise<void> {
  const { rowCount } = await database.query(
    `UPDATE api_keys SET revoked_at = now() WHERE company_id = $1 AND id = $2 AND revoked_at IS NULL`,
    [companyId, keyId],
  );
  checked.forget(companyId, keyId);
  if (rowCount) return;
  const { rowCount: found } = await database.query(
    'SELECT 1 FROM api_keys WHERE company_id = $1 AND id = $2',
    [companyId, keyId],
  );
  if (!found) throw new NotFoundError(`Key ${keyId} does not exist in company ${companyId}`);
}

/**
 * The keys this instance has checked lately, by hash: insertion order is age, so the
 * oldest goes first when the map is full.
 */
class CheckedKeys {
  private readonly entries = new Map<string, KeyHolder & { until: number }>();
  /** Counts revocations seen here: a lookup that began before one does not keep what it found. */
  generation = 0;
  constructor(private readonly capacity: number) {}

  get(hash: string, now: number): KeyHolder | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.until > now) return entry;
    this.entries.delete(hash);
    return undefined;
  }

  set(hash: string, holder: KeyHolder, until: number): void {
    this.entries.delete(hash);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, { ...holder, until });
  }

  forget(companyId: number, keyId: number): void {
    this.generation += 1;
    for (const [hash, entry] of this.entries) {
      if (entry.companyId === companyId && entry.keyId === keyId) this.entries.delete(hash);
    }
  }
}

const checked = new CheckedKeys(10_000);

/**
 * Who a key's text speaks for: undefined for text that is not a key, and for a key that is
 * unknown or revoked. One single-shard lookup, or none while this instance trusts the key.
 */
export async function checkKey(
  text: string,
  database: Queryable = db(),
  now: () => number = Date.now,
): Promise<KeyHolder | undefined> {
  const parsed = readKeyText(text);
  if (!parsed) return undefined;
  const hash = parsed.hash.toString('hex');
  const known = checked.get(hash, now());
  if (known) return known;
  // Requests that bring the same unchecked key at once (a burst right after a cold start)
  // share one lookup instead of sending one each.
  let lookup = inFlight.get(hash);
  if (!lookup) {
    lookup = lookUp(parsed, hash, database, now).finally(() => inFlight.delete(hash));
    inFlight.set(hash, lookup);
  }
  return lookup;
}

const inFlight = new Map<string, Promise<KeyHolder | undefined>>();

async function lookUp(
  parsed: KeyText,
  hash: string,
  database: Queryable,
  now: () => number,
): Promise<KeyHolder | undefined> {
  const generation = checked.generation;
  const { rows } = await database.query<{ id: number }>(
    'SELECT id FROM api_keys WHERE company_id = $1 AND key_hash = $2 AND kind = $3 AND revoked_at IS NULL',
    [parsed.companyId, parsed.hash, parsed.kind],
    REPEATABLE,
  );
  const row = rows[0];
  if (!row) return undefined;
  const holder: KeyHolder = { companyId: parsed.companyId, keyId: row.id, kind: parsed.kind };
  const ttlMs = config().API_KEY_CACHE_SECONDS * 1000;
  if (ttlMs > 0 && generation === checked.generation) checked.set(hash, holder, now() + ttlMs);
  return holder;
}
