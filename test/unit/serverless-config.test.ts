import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { OPENAPI_FILE } from '../../lib/http/openapi-document';
import { consoleRoutes, routes } from '../../lib/http/routes';

interface FunctionConfig {
  handler: string;
  events?: { httpApi?: { method: string; path: string } | string; schedule?: unknown }[];
  package?: { patterns?: string[] };
}

const config = parse(readFileSync(path.join(__dirname, '../../serverless.yml'), 'utf8')) as {
  functions: Record<string, FunctionConfig>;
  provider: { runtime: string };
};

describe('serverless.yml', () => {
  it('should serve every route of the route table with its own function', () => {
    for (const route of [...Object.values(routes), ...Object.values(consoleRoutes)]) {
      const fn = config.functions[route.operationId];
      expect(fn).toBeDefined();
      const event = fn?.events?.[0]?.httpApi;
      expect(event).toEqual({ method: route.method.toUpperCase(), path: route.path });
    }
  });

  it('should send every other method and path to the catch-all, which answers 404 or 405', () => {
    expect(config.functions.notFound).toEqual({
      handler: 'functions/system/not-found.handler',
      events: [{ httpApi: '*' }],
    });
    const httpFunctions = Object.entries(config.functions)
      .filter(([, fn]) => fn.events?.some((e) => e.httpApi !== undefined))
      .map(([name]) => name)
      .sort();
    expect(httpFunctions).toEqual([...Object.keys(routes), ...Object.keys(consoleRoutes), 'notFound'].sort());
  });

  it('should package the console build with the functions that serve it', () => {
    for (const name of Object.keys(consoleRoutes)) {
      expect(config.functions[name]?.package?.patterns).toEqual(['web/dist/**']);
    }
  });

  it('should package the OpenAPI document with the function that serves it', () => {
    expect(config.functions.openapi?.package?.patterns).toEqual([OPENAPI_FILE]);
  });

  it('should point every handler at a file under functions/', () => {
    for (const [name, fn] of Object.entries(config.functions)) {
      const file = fn.handler.replace(/\.handler$/, '.ts');
      expect([name, file.startsWith('functions/')]).toEqual([name, true]);
      expect(() => readFileSync(path.join(__dirname, '../..', file))).not.toThrow();
    }
  });

  it('should target the nodejs20.x runtime', () => {
    expect(config.provider.runtime).toBe('nodejs20.x');
  });
});
