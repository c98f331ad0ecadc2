/**
 * docker compose's PgBouncer configuration is the file infra/pgbouncer/ini.ts renders
 * with lib/config's defaults, as the local cluster's is: the connection bounds and the
 * pool size are written in one place.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composePgBouncerIni, POOLER_POOL_SIZE, pgbouncerIni } from '../../infra/pgbouncer/ini';
import { loadLocalClusterConfig } from '../../lib/config';

const committed = path.join(__dirname, '../../infra/pgbouncer/pgbouncer.ini');

describe('the PgBouncer configuration', () => {
  const defaults = loadLocalClusterConfig({});

  it("should be, for docker compose, what the renderer makes of the configuration's defaults", () => {
    expect(readFileSync(committed, 'utf8')).toBe(composePgBouncerIni(defaults));
  });

  it('should set the bounds it is given on every server connection, and pool at most POOLER_POOL_SIZE', () => {
    const ini = pgbouncerIni({
      header: [],
      coordinator: { host: '127.0.0.1', port: 9700 },
      listen: { host: '127.0.0.1', port: 9699 },
      authFile: '/tmp/users.txt',
      bounds: { DB_STATEMENT_TIMEOUT_MS: 1234, DB_NODE_CONNECT_TIMEOUT_MS: 567 },
    });
    expect(ini).toContain(
      "* = host=127.0.0.1 port=9700 connect_query='SET statement_timeout = 1234; SET citus.node_connection_timeout = 567'",
    );
    expect(ini).toContain(`default_pool_size = ${POOLER_POOL_SIZE}\n`);
    expect(ini).toContain(`max_db_connections = ${POOLER_POOL_SIZE}\n`);
  });
});
