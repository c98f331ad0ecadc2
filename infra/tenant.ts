/**
 * `npm run tenant -- where COMPANY_ID | isolate COMPANY_ID`: which worker and shard serve
 * a company, and moving a hot company to a shard of its own (on a less loaded worker
 * where there is one). Against DATABASE_URL, or the local cluster when that is unset.
 */
import { isolateTenant, tenantPlacement } from '../lib/cluster/tenants';
import { runCli, withOperationsDb } from './cli';

const USAGE = `usage: npm run tenant -- where COMPANY_ID | isolate COMPANY_ID [--non-blocking-split]
  isolate splits the company's rows into shards of their own (writes to its shard group wait
  for the seconds that takes; --non-blocking-split copies with logical replication instead,
  which Citus 13 can leave stalled under concurrent writes), then moves them without blocking
  to the least loaded worker.`;

runCli(
  'tenant',
  async () => {
    const [command, id, ...flags] = process.argv.slice(2);
    if (!command || !['where', 'isolate'].includes(command) || !id || !/^[1-9]\d{0,15}$/.test(id)) {
      console.error(USAGE);
      return 2;
    }
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
