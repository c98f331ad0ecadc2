import { loadConfig, settings } from '../../lib/config';
import * as z from '../../lib/zod';

describe('loadConfig', () => {
  it('should name DATABASE_URL when it is missing', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL is required/);
  });

  it('should name every malformed variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x', DB_POOL_MAX: 'lots' })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ URL.*DB_POOL_MAX/,
    );
  });

  it('should apply defaults and parse the worker list', () => {
    const cfg = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', WORKER_HOSTS: 'a:5432, b:5433,' });
    expect(cfg.DB_POOL_MAX).toBe(1);
    expect(cfg.WORKER_HOSTS).toEqual(['a:5432', 'b:5433']);
  });

  it('should refuse a worker without a port', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', WORKER_HOSTS: 'worker1' })).toThrow(
      /"worker1" is not host:port/,
    );
  });
});

describe('settings', () => {
  it('should describe every setting, for the list of settings generated from them', () => {
    for (const [section, shape] of Object.entries(settings)) {
      for (const [name, setting] of Object.entries(shape())) {
        const description = z.globalRegistry.get(setting)?.description;
        expect([section, name, typeof description === 'string' && description.length > 10]).toEqual([
          section,
          name,
          true,
        ]);
      }
    }
  });
});
