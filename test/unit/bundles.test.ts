/**
 * The functions' bundles, built as serverless.yml builds them (test/support/bundles.ts):
 * every HTTP function within 200 KB minified, with zod/mini and nothing of zod's classic
 * API (450 KB whatever a function uses) or of an OpenAPI generator, zod's JSON Schema
 * conversion included (the document is generated ahead, `npm run openapi`, and the
 * function that serves it reads it from its package), and of the route table only its own
 * route; and a bundle that starts
 * without reading its source map but logs a stack in its TypeScript sources. How long a
 * cold start takes is the benchmark's to say (`npm run bench -- --levels cold`), not a test's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleRoutes, routes } from '../../lib/http/routes';
import { buildBundle, deployedEnvironment, httpFunctions } from '../support/bundles';

const BUDGET = 200_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-bundles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('each HTTP function', () => {
  it.each(httpFunctions().map((fn) => [fn.name, fn.entry] as const))(
    'should keep %s within 200 KB minified, with zod/mini only',
    async (name, entry) => {
      const { bytes, metafile, file } = await buildBundle(entry, path.join(dir, name), { minify: true });
      // The files whose code is in the bundle (esbuild reads more than it keeps).
      const inputs = Object.values(metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .map(([input]) => input),
      );
      expect([name, bytes <= BUDGET ? 'within budget' : `${bytes} bytes`]).toEqual([name, 'within budget']);
      expect(inputs.filter((i) => /zod\/v4\/classic\/|zod\/v3\/|zod-to-openapi/.test(i))).toEqual([]);
      expect(inputs.some((i) => i.includes('node_modules/zod/v4/mini/'))).toBe(true);
      // Nor the document's generator (lib/http/openapi.ts, zod's JSON Schema conversion), in
      // any function: the document is a file, which the openapi function reads.
      const generator = /lib\/http\/openapi\.ts|zod\/v4\/core\/to-json-schema/;
      expect(inputs.filter((i) => generator.test(i))).toEqual([]);
      // Only its own route of the table (each route a pure constant, named by the
      // function: lib/http/routes.ts); the catch-all matches paths against them all.
      if (name !== 'notFound') {
        const text = readFileSync(file, 'utf8');
        const others = Object.values({ ...routes, ...consoleRoutes })
          .filter((route) => route.operationId !== name && text.includes(JSON.stringify(route.summary)))
          .map((route) => route.operationId);
        expect([name, others]).toEqual([name, []]);
      }
    },
  );
});

describe('a bundle as deployed', () => {
  it('should start without reading its source map, and log a stack in the sources', async () => {
    const { file } = await buildBundle('functions/products/get.ts', path.join(dir, 'deployed'));
    // No DATABASE_URL: the first request fails reading the configuration (a 500, logged with
    // its stack) before anything connects.
    const script = `
      const fs = require('node:fs');
      const read = fs.readFileSync;
      const maps = [];
      fs.readFileSync = function (file, ...rest) {
        if (String(file).endsWith('.map')) maps.push(String(file));
        return read.call(this, file, ...rest);
      };
      const { handler } = require(${JSON.stringify(file)});
      const atStart = maps.length;
      const event = { version: '2.0', rawPath: '/companies/1/products/1', headers: {},
        pathParameters: { companyId: '1', productId: '1' },
        requestContext: { requestId: 'r', http: { method: 'GET', path: '/companies/1/products/1' } } };
      handler(event, { getRemainingTimeInMillis: () => 29000 }).then((reply) => {
        console.log(JSON.stringify({ atStart, after: maps.length, status: reply.statusCode }));
      });
    `;
    const { NODE_OPTIONS, DATABASE_URL: _, ...deployed } = deployedEnvironment('getProduct');
    const child = spawnSync(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        ...deployed,
        LOG_LEVEL: 'error',
        ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
      },
      encoding: 'utf8',
    });
    const outcome = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
    expect(NODE_OPTIONS ?? '').not.toContain('--enable-source-maps');
    expect(outcome).toEqual({ atStart: 0, after: 1, status: 500 });
    const logged = JSON.parse(child.stderr.trim().split('\n').pop() ?? '{}') as { stack?: string };
    // The frame that threw, in lib/config/index.ts, not in the bundle.
    expect(logged.stack).toMatch(/^\s+at .*lib\/config\/index\.ts:\d+:\d+/m);
    expect(logged.stack).not.toContain(path.basename(file));
  });
});
