/**
 * The configuration files of docker-compose.ha.yml, rendered from the settings of the
 * local cluster's high-availability mode (infra/local-cluster/ha-config.ts), so that the
 * two modes run Patroni and HAProxy alike:
 *
 * - patroni.yml: what every member shares. What differs per member (its name, Citus
 *   group, addresses and data folder) comes from Patroni's own PATRONI_* variables,
 *   which patroni-entrypoint.sh sets from the compose file and the container's name.
 * - haproxy.cfg: the `coordinator` service, in front of the coordinator group's members.
 *
 * test/unit/compose-ha.test.ts holds the committed files equal to what this renders;
 * `npm run compose:ha-files` writes them.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { haproxyText, patroniSettings } from '../local-cluster/ha-config';

/** The coordinator group's members: services of their own, which HAProxy names. */
export const COORDINATOR_MEMBERS = ['coordinator-a', 'coordinator-b'] as const;
/** The database Patroni creates the citus extension in: the shop's. */
export const COMPOSE_DATABASE = 'distribushop';
/** Every member listens on the same ports in its own container. */
const POSTGRES_PORT = 5432;
const REST_PORT = 8008;

const here = __dirname;

const generated = (what: string) => [
  `${what} for docker-compose.ha.yml. Generated: this file is what infra/docker/ha.ts renders`,
  "from the local cluster's high-availability settings (infra/local-cluster/ha-config.ts);",
  'npm run compose:ha-files writes it and test/unit/compose-ha.test.ts holds the two equal.',
];

/**
 * Patroni's configuration, shared by every member (`/etc/patroni/patroni.yml` in the image),
 * as YAML 1.1, which Patroni reads: `on` quoted, or it would be read as a boolean.
 */
export function composePatroniYml(): string {
  const shared = patroniSettings({
    database: COMPOSE_DATABASE,
    etcdHosts: [`etcd:2379`],
    // Any container of the compose network: trust, like docker-compose.yml's cluster.
    // For development, not production.
    clients: 'all',
    fast: false,
  });
  const config = {
    ...shared,
    restapi: { listen: `0.0.0.0:${REST_PORT}` },
    postgresql: {
      listen: `0.0.0.0:${POSTGRES_PORT}`,
      pgpass: '/tmp/pgpass',
      ...shared.postgresql,
    },
  };
  const header = [
    ...generated('Patroni'),
    'Per member, from patroni-entrypoint.sh: PATRONI_NAME, PATRONI_CITUS_GROUP,',
    'PATRONI_RESTAPI_CONNECT_ADDRESS, PATRONI_POSTGRESQL_CONNECT_ADDRESS and',
    "PATRONI_POSTGRESQL_DATA_DIR. No bin_dir: the image's PATH has PostgreSQL's programs.",
  ];
  return `${header.map((line) => `# ${line}`).join('\n')}\n${stringify(config, { version: '1.1' })}`;
}

/** HAProxy's configuration for the `coordinator` service. */
export function composeHaproxyCfg(): string {
  return haproxyText({
    header: generated('HAProxy'),
    bind: `*:${POSTGRES_PORT}`,
    members: COORDINATOR_MEMBERS.map((name) => ({
      name,
      host: name,
      port: POSTGRES_PORT,
      restPort: REST_PORT,
    })),
    // Docker's resolver: HAProxy starts while a member is down and follows a member
    // whose container comes back with another address.
    dns: '127.0.0.11:53',
  });
}

/** The committed files and what they should hold. */
export const composeHaFiles = () => [
  { file: path.join(here, 'patroni.yml'), text: composePatroniYml() },
  { file: path.join(here, 'haproxy.cfg'), text: composeHaproxyCfg() },
];
