/**
 * `serverless package` on a machine without cloud credentials: every function's artifact
 * is made, and holds what its function needs and nothing else: its bundle and the bundle's
 * map, the console's build for the console functions, the OpenAPI document for the
 * function that serves it, the SQL bundle for setup; never the
 * tests, the web sources, the TypeScript sources or node_modules (esbuild bundled them).
 *
 * It packages in a work folder of its own (ESBUILD_WORK_FOLDER), beside the tier's
 * serverless-offline, and into a temporary directory.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { root, serverlessConfig } from '../support/bundles';
import { runProcess } from '../support/process';

const dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-artifacts-'));
const workFolder = `.esbuild/artifacts-${process.pid}`;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(path.join(root, workFolder), { recursive: true, force: true });
});

/** Every file under `folder` (relative to the project), as an artifact lists it. */
function filesUnder(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function packageService(out: string, home: string): Promise<string> {
  // No AWS variable and a home without ~/.aws: no credentials anywhere.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && name !== 'HOME'),
  );
  const { code, output } = await runProcess(
    path.join(root, 'node_modules/.bin/serverless'),
    ['package', '--stage', 'dev', '--package', out],
    {
      cwd: root,
      env: {
        ...env,
        HOME: home,
        ESBUILD_WORK_FOLDER: workFolder,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
    },
  );
  if (code !== 0) throw new Error(`serverless package exited ${code}:\n${output}`);
  return output;
}

describe('serverless package', () => {
  const out = path.join(dir, 'artifacts');
  const entries = new Map<string, string[]>();

  beforeAll(async () => {
    const home = path.join(dir, 'home');
    mkdirSync(home);
    await packageService(out, home);
    for (const file of readdirSync(out).filter((f) => f.endsWith('.zip'))) {
      const zip = await JSZip.loadAsync(readFileSync(path.join(out, file)));
      entries.set(
        file.replace(/\.zip$/, ''),
        Object.values(zip.files)
          .filter((f) => !f.dir)
          .map((f) => f.name)
          .sort(),
      );
    }
  }, 600_000);

  const functions = Object.entries(serverlessConfig().functions);

  it('should make an artifact for every function, without cloud credentials', () => {
    expect([...entries.keys()].sort()).toEqual(functions.map(([name]) => name).sort());
  });

  it.each(functions.map(([name, fn]) => [name, fn.handler] as const))(
    'should give %s its bundle and map, and what it reads at run time only',
    (name, handler) => {
      const bundle = `${handler.replace(/\.[^.]+$/, '')}.js`;
      const extra =
        name === 'consolePage' || name === 'consoleFile'
          ? filesUnder('web/dist').filter((f) => !path.basename(f).startsWith('.'))
          : name === 'openapi'
            ? ['docs/openapi.json']
            : name === 'setup'
              ? filesUnder('sql').filter((f) => f.endsWith('.sql'))
              : [];
      expect(entries.get(name)).toEqual([bundle, `${bundle}.map`, ...extra].sort());
    },
  );

  it('should carry no tests, sources or node_modules in any artifact', () => {
    const stray = [...entries.values()]
      .flat()
      .filter((f) => /^(node_modules|test|lib|web\/src|infra)\/|\.ts$/.test(f));
    expect(stray).toEqual([]);
  });
});
