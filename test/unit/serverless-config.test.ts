import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { routes } from '../../lib/http/routes';

interface FunctionConfig {
  handler: string;
  events?: { httpApi?: { method: string; path: string } | string; schedule?: unknown }[];
}

const config = parse(readFileSync(path.join(__dirname, '../../serverless.yml'), 'utf8')) as {
  functions: Record<string, FunctionConfig>;
  provider: { runtime: string };
};

describe('serverless.yml', () => {
  it('should serve every route of the route table with its own function', () => {
    for (const route of Object.values(routes)) {
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
    expect(httpFunctions).toEqual([...Object.keys(routes), 'notFound'].sort());
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
