/**
 * docker-compose.ha.yml and what it runs: the committed Patroni and HAProxy configurations
 * are what infra/docker/ha.ts renders from the local cluster's high-availability settings,
 * every image is pinned, every file the services mount or the image copies exists, and
 * HAProxy names the coordinator members the compose file runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { COMPOSE_DATABASE, COORDINATOR_MEMBERS, composeHaFiles } from '../../infra/docker/ha';

const root = path.join(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: { dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: unknown;
  ports?: string[];
}
const services = (file: string) =>
  (parse(read(file), { merge: true }) as { services: Record<string, Service> }).services;

/** `${NAME:-default}` as compose reads it with NAME unset. */
const withDefaults = (text: string) => text.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('docker-compose.ha.yml', () => {
  const ha = services('docker-compose.ha.yml');

  it.each(composeHaFiles().map((f) => [path.relative(root, f.file), f.text] as const))(
    'should commit %s as infra/docker/ha.ts renders it (npm run compose:ha-files)',
    (file, text) => {
      expect(read(file)).toBe(text);
    },
  );

  it('should pin every image, and build the Patroni members on the Citus image docker-compose.yml runs', () => {
    const plain = services('docker-compose.yml');
    const citus = withDefaults(plain.coordinator?.image ?? '');
    expect(citus).toMatch(/^citusdata\/citus:\d+\.\d+\.\d+$/);
    for (const [name, service] of Object.entries(ha)) {
      if (service.build) {
        expect([name, service.image]).toEqual([name, expect.stringMatching(/^distribushop-[a-z]+$/)]);
      } else {
        expect([name, withDefaults(service.image ?? '')]).toEqual([
          name,
          expect.stringMatching(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+(-p\d+)?$/),
        ]);
      }
    }
    const members = Object.entries(ha).filter(
      ([, s]) => s.build?.dockerfile === 'infra/docker/patroni.Dockerfile',
    );
    expect(members.map(([name]) => name).sort()).toEqual([...COORDINATOR_MEMBERS, 'worker'].sort());
    for (const [, member] of members) expect(withDefaults(member.build?.args?.CITUS_IMAGE ?? '')).toBe(citus);
    expect(read('infra/docker/patroni.Dockerfile')).toContain(`ARG CITUS_IMAGE=${citus}\n`);
  });

  it('should mount, and copy into the Patroni image, only files that exist', () => {
    const mounted = Object.values(ha)
      .flatMap((s) => s.volumes ?? [])
      .filter((v) => v.startsWith('./'))
      .map((v) => v.split(':')[0] as string);
    const copied = [...read('infra/docker/patroni.Dockerfile').matchAll(/^COPY (\S+) /gm)].map(
      (m) => m[1] as string,
    );
    expect(mounted.length).toBeGreaterThan(0);
    expect(copied).toEqual(['infra/docker/patroni.yml', 'infra/docker/patroni-entrypoint.sh']);
    expect([...mounted, ...copied].filter((file) => !existsSync(path.join(root, file)))).toEqual([]);
  });

  it('should proxy the coordinator members it runs, with the PgBouncer docker-compose.yml runs', () => {
    const servers = [
      ...read('infra/docker/haproxy.cfg').matchAll(/^ {2}server (\S+) (\S+):5432 check port 8008$/gm),
    ];
    expect(servers.map((m) => m[2])).toEqual([...COORDINATOR_MEMBERS]);
    expect(Object.keys(ha)).toEqual(expect.arrayContaining([...COORDINATOR_MEMBERS]));
    // `coordinator` is HAProxy, at the name and port PgBouncer's configuration and setup use.
    expect(ha.coordinator?.volumes).toContain(
      './infra/docker/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro',
    );
    expect(read('infra/pgbouncer/pgbouncer.ini')).toContain('* = host=coordinator port=5432 ');
    const { depends_on: _plainDeps, ...plainPooler } = services('docker-compose.yml').pgbouncer ?? {};
    const { depends_on: _haDeps, ...haPooler } = ha.pgbouncer ?? {};
    expect(haPooler).toEqual(plainPooler);
  });

  it('should leave the workers to Patroni in setup, and check how many groups are active', () => {
    expect(ha.setup?.environment).toEqual(
      expect.objectContaining({
        DATABASE_URL: `postgres://postgres@coordinator:5432/${COMPOSE_DATABASE}`,
        WORKER_REGISTRATION: 'patroni',
        EXPECTED_WORKERS: expect.stringMatching(/^\$\{EXPECTED_WORKERS:-\d+\}$/),
      }),
    );
    expect(parse(read('infra/docker/patroni.yml'))).toEqual(
      expect.objectContaining({ citus: { database: COMPOSE_DATABASE } }),
    );
  });
});
