import { configuredWorkers } from '../../lib/cluster/workers';

describe('configuredWorkers', () => {
  it('should list configured hosts then every address the service name resolves to, once each', async () => {
    const resolve = async (name: string) => (name === 'worker' ? ['10.0.0.3', '10.0.0.2', '10.0.0.3'] : []);
    const workers = await configuredWorkers(
      { WORKER_HOSTS: ['10.0.0.2:5432', 'extra:6000'], WORKER_SERVICE: 'worker', WORKER_PORT: 5432 },
      resolve,
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
});
