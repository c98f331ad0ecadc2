/**
 * The cluster a command line works on: DATABASE_URL's, or the local cluster's when that
 * is unset, read from the launcher's state file (no server is started or asked).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { operationsTarget } from '../../infra/cli';
import type { ClusterState } from '../../infra/local-cluster';

describe('operationsTarget', () => {
  let dir: string;
  const state: ClusterState = {
    dir: '',
    pgBin: '/usr/lib/postgresql/15/bin',
    pgVersion: '15',
    citus: true,
    citusVersion: '13.0-1',
    user: 'postgres',
    database: 'distribushop',
    coordinator: { name: 'coordinator', host: '127.0.0.1', port: 9700 },
    workers: [
      { name: 'worker1', host: '127.0.0.1', port: 9701 },
      { name: 'worker2', host: '127.0.0.1', port: 9702 },
    ],
    pooler: null,
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-target-'));
    writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify({ ...state, dir }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should be the local cluster and its workers when DATABASE_URL is unset', async () => {
    const target = await operationsTarget({ CLUSTER_DIR: dir });
    expect(target.local?.coordinator.port).toBe(9700);
    expect(target.cfg.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:9700/distribushop');
    expect(target.cfg.WORKER_HOSTS).toEqual(['127.0.0.1:9701', '127.0.0.1:9702']);
  });

  it('should keep the workers WORKER_HOSTS names', async () => {
    const target = await operationsTarget({ CLUSTER_DIR: dir, WORKER_HOSTS: 'db-1:5432' });
    expect(target.cfg.WORKER_HOSTS).toEqual(['db-1:5432']);
  });

  it('should be DATABASE_URL when it is set, whatever cluster is started here', async () => {
    const url = 'postgres://postgres@db.example:5432/shop';
    const target = await operationsTarget({ CLUSTER_DIR: dir, DATABASE_URL: url });
    expect(target.local).toBeNull();
    expect(target.cfg.DATABASE_URL).toBe(url);
    expect(target.cfg.WORKER_HOSTS).toEqual([]);
  });

  it('should be DATABASE_URL alone (and fail without it) when no cluster is started here', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'distribushop-target-'));
    try {
      await expect(operationsTarget({ CLUSTER_DIR: empty })).rejects.toThrow(/DATABASE_URL is required/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
