/**
 * The operators' and the browser's side of the contract: the health and cluster reports,
 * and what the console's files and a preflight request carry.
 */
import * as z from '../../zod';
import { doc, fields, id, integer, text, timestamp } from './values';

/** A browser's revalidation of a file it has cached (the console's files carry an ETag). */
export const conditionalHeaders = z.lazy(() =>
  z.object({
    'if-none-match': z.optional(z.string().check(z.maxLength(1024, 'must be at most 1024 characters'))),
  }),
);

/** What a browser's preflight request (OPTIONS) asks for: read by the catch-all, never refused. */
export const preflightHeaders = z.lazy(() =>
  z.object({
    origin: z.optional(z.string()),
    'access-control-request-method': z.optional(z.string()),
  }),
);

/** A file of the console under /console/, e.g. `assets/index-3f9a2c1b.js`. */
export const consoleFilePath = z.lazy(() =>
  fields({ file: doc(text({ max: 255 }), { example: 'assets/index-3f9a2c1b.js' }) }, 'path parameter'),
);

export const healthOut = doc(
  z.lazy(() =>
    z.object({
      status: doc(z.enum(['ok', 'degraded']), {
        description: '`degraded`: the coordinator answers but a worker does not; its tenants get 503',
      }),
      database: z.enum(['citus', 'plain']),
      citusVersion: z.nullable(z.string()),
      activeWorkers: integer(),
      unreachableWorkers: doc(z.array(z.string()), {
        description: 'Active workers the coordinator cannot reach',
      }),
    }),
  ),
  { id: 'Health' },
);

export const clusterStatusOut = doc(
  z.lazy(() =>
    z.object({
      mode: z.enum(['citus', 'plain']),
      citusVersion: z.nullable(z.string()),
      summary: z.string(),
      nodes: z.array(
        z.object({
          host: z.string(),
          port: integer(),
          role: z.enum(['coordinator', 'worker']),
          state: doc(z.enum(['active', 'unreachable', 'inactive', 'switching']), {
            description: '`switching`: Patroni is switching its group over to the standby',
          }),
          shards: integer(),
          dataBytes: z.nullable(integer()),
          standbys: doc(
            z.array(
              z.object({
                name: z.string(),
                state: z.string(),
                sync: z.string(),
                lagBytes: z.nullable(integer()),
              }),
            ),
            { description: "The node's standbys (pg_stat_replication); `sync`: a commit waits for it" },
          ),
        }),
      ),
      tables: z.array(
        z.object({
          table: z.string(),
          kind: z.enum(['distributed', 'reference', 'local', 'plain']),
          distributionColumn: z.nullable(z.string()),
          colocationId: z.nullable(integer()),
          shardCount: integer(),
        }),
      ),
      largestTenants: z.array(
        z.object({
          companyId: id,
          name: z.nullable(z.string()),
          dataBytes: z.nullable(integer()),
          queries: z.nullable(integer()),
          shardId: integer(),
          host: z.string(),
          port: integer(),
        }),
      ),
      tenantsSource: doc(z.string(), {
        description: '`citus_stat_tenants`, `row sizes`, or why there are no figures',
      }),
      rebalance: z.nullable(
        z.object({
          running: z.boolean(),
          jobId: z.nullable(integer()),
          state: z.nullable(z.string()),
          tasksDone: integer(),
          tasksTotal: integer(),
          startedAt: z.nullable(timestamp),
          finishedAt: z.nullable(timestamp),
        }),
      ),
      operations: z.array(
        z.object({
          kind: z.enum(['rebalance-move', 'isolate-tenant', 'move-shard', 'split-shard']),
          detail: z.string(),
          startedAt: z.nullable(timestamp),
        }),
      ),
    }),
  ),
  { id: 'ClusterStatus' },
);
