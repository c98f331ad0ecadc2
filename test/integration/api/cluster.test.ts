/**
 * GET /cluster and the maintenance job on the shared test cluster, in both tiers: on
 * plain PostgreSQL they say that the database is not distributed.
 */
import { handler as maintenance, stepsFromEvent } from '../../../functions/jobs/maintenance';
import { handler as clusterStatus } from '../../../functions/system/cluster';
import type { ClusterStatus } from '../../../lib/cluster/status';
import { routes } from '../../../lib/http/routes';
import { closeDb } from '../../support/db';
import { invoke } from '../../support/lambda';
import { hasCitus, workerCount } from '../../support/tiers';

afterAll(closeDb);

describe('GET /cluster', () => {
  it('should say what the cluster is, open when no admin token is configured', async () => {
    const reply = await invoke<ClusterStatus>(clusterStatus, routes.clusterStatus);
    expect(reply.status).toBe(200);
    if (hasCitus) {
      expect(reply.body.mode).toBe('citus');
      expect(reply.body.nodes.filter((n) => n.role === 'worker' && n.state === 'active')).toHaveLength(
        workerCount,
      );
    } else {
      expect(reply.body).toMatchObject({ mode: 'plain', citusVersion: null, rebalance: null });
      expect(reply.body.summary).toMatch(/^Not distributed/);
      expect(reply.body.nodes).toHaveLength(1);
    }
    expect(reply.body.tables.map((t) => t.table)).toContain('orders');
  });
});

describe('the maintenance function', () => {
  it('should run the steps an event names and return the report', async () => {
    const report = await maintenance({ only: ['analyze', 'rollup-ad-stats'] });
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.step)).toEqual(['analyze', 'rollup-ad-stats']);
  });

  it('should run every step for a schedule without input, and refuse an event it cannot read', () => {
    expect(
      stepsFromEvent({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }),
    ).toBeUndefined();
    expect(stepsFromEvent(undefined)).toBeUndefined();
    expect(() => stepsFromEvent({ only: ['vacuum-everything'] })).toThrow(/the event must be/);
  });

  it('should say on plain PostgreSQL that there is nothing to distribute', async () => {
    const report = await maintenance({ only: ['recover-prepared', 'rebalance'] });
    expect(report.ok).toBe(true);
    for (const step of report.steps) {
      if (hasCitus) expect(step.result).not.toMatch(/not distributed/);
      else expect(step.result).toBe('not distributed (plain PostgreSQL): nothing to do');
    }
  });
});
