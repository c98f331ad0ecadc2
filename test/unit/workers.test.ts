import { configuredWorkers } from '../../lib/cluster/workers';

describe('configuredWorkers', () => {
  it('should list configured hosts then every address the service name resolves to, once each', async () => {
    const resolver = {
      addresses: async (name: string) => (name === 'worker' ? ['10.0.0.3', '10.0.0.2', '10.0.0.3'] : []),
      names: async () => [],
    };
    const workers = await configuredWorkers(
      { WORKER_HOSTS: ['10.0.0.2:5432', 'extra:6000'], WORKER_SERVICE: 'worker', WORKER_PORT: 5432 },
      resolver,
    );
    expect(workers).toEqual([
      { host: '10.0.0.2', port: 5432 },
      { host: 'extra', port: 6000 },
      { host: '10.0.0.3', port: 5432 },
    ]);
  });

  it('should return no workers when none are configured', async () => {
    expect(await configuredWorkers({ WORKER_HOSTS: [], WORKER_PORT: 5432 })).toEqual([]);
  });

  it('should name each replica by its container name, which survives restarts', async () => {
    // Docker's DNS: the service name gives one address per replica, and each address's
    // reverse lookup gives the replica's container name on the compose network.
    const dns: Record<string, string[]> = {
      worker: ['172.20.0.5', '172.20.0.3'],
      'distribushop-worker-1': ['172.20.0.5'],
      'distribushop-worker-2': ['172.20.0.3'],
    };
    const reverse: Record<string, string[]> = {
      '172.20.0.5': ['distribushop-worker-1.distribushop_default'],
      '172.20.0.3': ['distribushop-worker-2.distribushop_default.'],
    };
    const resolver = {
      addresses: async (name: string) => dns[name] ?? [],
      names: async (address: string) => reverse[address] ?? [],
    };
    expect(
      await configuredWorkers({ WORKER_HOSTS: [], WORKER_SERVICE: 'worker', WORKER_PORT: 5432 }, resolver),
    ).toEqual([
      { host: 'distribushop-worker-1', port: 5432 },
      { host: 'distribushop-worker-2', port: 5432 },
    ]);
  });

  it('should keep an address whose reverse name leads elsewhere', async () => {
    const resolver = {
      addresses: async (name: string) => (name === 'worker' ? ['10.1.1.1'] : ['10.9.9.9']),
      names: async () => ['stale-name.example'],
    };
    expect(
      await configuredWorkers({ WORKER_HOSTS: [], WORKER_SERVICE: 'worker', WORKER_PORT: 5432 }, resolver),
    ).toEqual([{ host: '10.1.1.1', port: 5432 }]);
  });
});
