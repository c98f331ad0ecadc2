/**
 * `npm run tenant -- where COMPANY_ID | isolate COMPANY_ID | key ...`: which worker and
 * shard serve a company, moving a hot company to a shard of its own (on a less loaded
 * worker where there is one), and a company's API keys. Against DATABASE_URL, or the local
 * cluster when that is unset.
 */
import { createKey, listKeys, revokeKey } from '../lib/auth/api-keys';
import { isolateTenant, tenantPlacement } from '../lib/cluster/tenants';
import type { Db } from '../lib/db';
import { runCli, withOperationsDb } from './cli';

const USAGE = `usage: npm run tenant -- where COMPANY_ID | isolate COMPANY_ID [--non-blocking-split]
       npm run tenant -- key create COMPANY_ID [--publishable] | key list COMPANY_ID | key revoke COMPANY_ID KEY_ID
  key create makes a secret key (or a publishable one) and prints it: it is shown this once.
  isolate splits the company's rows into shards of their own (writes to its shard group wait
  for the seconds that takes; --non-blocking-split copies with logical replication instead,
  which Citus 13 can leave stalled under concurrent writes), then moves them without blocking
  to the least loaded worker.`;

const ID = /^[1-9]\d{0,15}$/;

/** `key create|list|revoke`: the same as POST, GET and DELETE /companies/{id}/keys. */
async function keys(db: Db, args: string[]): Promise<number> {
  const [action, id, ...rest] = args;
  if (!id || !ID.test(id)) return usage();
  const companyId = Number(id);
  if (action === 'create' && rest.every((flag) => flag === '--publishable')) {
    const made = await createKey(companyId, rest.includes('--publishable') ? 'publishable' : 'secret', db);
    console.log(`${made.kind} key ${made.id} of company ${companyId} (shown this once; keep it safe):`);
    console.log(made.key);
    return 0;
  }
  if (action === 'list' && rest.length === 0) {
    let cursor: string | undefined;
    let count = 0;
    do {
      const page = await listKeys(companyId, { limit: 100, cursor }, db);
      for (const k of page.items) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
        console.log(
          `key ${String(k.id).padEnd(6)} ${k.kind.padEnd(11)} ${`${k.prefix}…`.padEnd(22)} made ${k.createdAt}  ${state}`,
        );
      }
      count += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (count === 0) console.log(`company ${companyId} has no keys`);
    return 0;
  }
  const keyId = rest[0];
  if (action === 'revoke' && keyId && ID.test(keyId) && rest.length === 1) {
    await revokeKey(companyId, Number(keyId), db);
    console.log(
      `key ${keyId} of company ${companyId} is revoked (refused at once here, by running functions within API_KEY_CACHE_SECONDS)`,
    );
    return 0;
  }
  return usage();
}

function usage(): number {
  console.error(USAGE);
  return 2;
}

runCli(
  'tenant',
  async () => {
    const [command, id, ...flags] = process.argv.slice(2);
    if (command === 'key') return withOperationsDb((db) => keys(db, process.argv.slice(3)));
    if (!command || !['where', 'isolate'].includes(command) || !id || !ID.test(id)) return usage();
    const companyId = Number(id);
    return withOperationsDb(async (db) => {
      if (command === 'where') {
        const where = await tenantPlacement(db, companyId);
        if (!where) {
          console.log(
            `company ${companyId}: not distributed (plain PostgreSQL): every company is on the one node`,
          );
          return 0;
        }
        console.log(
          `company ${companyId}: shard ${where.shardId} on worker ${where.host}:${where.port} (${where.sharedWith === 'alone' ? 'a shard of its own' : 'shared with other companies'})`,
        );
        return 0;
      }
      const nonBlocking = flags.includes('--non-blocking-split');
      console.log(
        `isolating company ${companyId} (${nonBlocking ? 'non-blocking split' : 'the split holds writes to its shard group while it runs; reads go on'})`,
      );
      const result = await isolateTenant(db, companyId, { splitMode: nonBlocking ? 'auto' : 'block_writes' });
      if (!result.isolated) {
        console.log(
          `company ${companyId} already has shard ${result.before.shardId} of its own on ${result.before.host}:${result.before.port}`,
        );
        return 0;
      }
      console.log(
        `before: shard ${result.before.shardId} on ${result.before.host}:${result.before.port}, shared`,
      );
      console.log(
        `after:  shard ${result.after.shardId} on ${result.after.host}:${result.after.port}, its own` +
          (result.movedTo ? ` (moved to the least loaded worker)` : ' (no worker holds less data)'),
      );
      return 0;
    });
  },
  { logLevel: 'error' },
);
