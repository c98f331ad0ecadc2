/**
 * GET /cluster behind ADMIN_TOKEN. This file configures the token before anything reads
 * the configuration, so only its requests see it.
 */
process.env.ADMIN_TOKEN = 'test-admin-token-0123456789';

import { handler as clusterStatus } from '../../../functions/system/cluster';
import { handler as openapi } from '../../../functions/system/openapi';
import { routes } from '../../../lib/http/routes';
import { closeDb } from '../../support/db';
import { invoke } from '../../support/lambda';

afterAll(closeDb);

describe('GET /cluster with ADMIN_TOKEN configured', () => {
  it('should answer 401 without the token or with another', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-but-long-enough' },
      { authorization: 'Basic x' },
    ];
    for (const headers of attempts) {
      const reply = await invoke(clusterStatus, routes.clusterStatus, { headers });
      expect(reply.status).toBe(401);
      expect(reply.headers['WWW-Authenticate']).toMatch(/^Bearer/);
      expect(reply.body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
    }
  });

  it('should answer the bearer of the token', async () => {
    const reply = await invoke(clusterStatus, routes.clusterStatus, {
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect(reply.status).toBe(200);
  });

  it('should document the bearer scheme on the operator route only', async () => {
    const doc = await invoke<{
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    }>(openapi, routes.openapi);
    expect(doc.body.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.body.paths['/cluster']?.get?.security).toEqual([{ adminToken: [] }]);
    expect(doc.body.paths['/health']?.get?.security).toBeUndefined();
  });
});
