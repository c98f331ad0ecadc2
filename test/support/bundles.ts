/**
 * The functions' bundles as `serverless.yml` builds them: serverless-esbuild's options
 * (`custom.esbuild`) handed to esbuild, its `exclude` as esbuild's `external`, as the
 * plugin does. The bundle-size test and the benchmark's cold level build with this.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { parse } from 'yaml';

export const root = path.resolve(__dirname, '../..');

interface ServerlessFunction {
  handler: string;
  events?: { httpApi?: unknown }[];
  environment?: Record<string, unknown>;
}

interface ServerlessConfig {
  functions: Record<string, ServerlessFunction>;
  provider: { environment?: Record<string, unknown> };
  custom: { esbuild: Record<string, unknown> } & Record<string, unknown>;
}

export const serverlessConfig = (): ServerlessConfig =>
  parse(readFileSync(path.join(root, 'serverless.yml'), 'utf8')) as ServerlessConfig;

/** serverless-esbuild's own options, which it takes out before calling esbuild. */
const PLUGIN_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

/** esbuild's options as serverless-esbuild passes them for serverless.yml's `custom.esbuild`. */
export function esbuildOptions(): BuildOptions {
  const custom = serverlessConfig().custom.esbuild;
  const options = Object.fromEntries(Object.entries(custom).filter(([key]) => !PLUGIN_OPTIONS.includes(key)));
  const exclude = (custom.exclude as string[] | undefined) ?? [];
  const external = (custom.external as string[] | undefined) ?? [];
  return { ...options, external: [...external, ...exclude] } as BuildOptions;
}

/**
 * A variable of serverless.yml as the framework resolves it: `${env:NAME, 'default'}` from
 * `env`, `${self:a.b}` from the file; undefined for anything else (a stage's settings, SSM).
 */
function resolveVariable(
  value: unknown,
  config: ServerlessConfig,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (typeof value !== 'string') return value === undefined ? undefined : String(value);
  const fromEnv = /^\$\{env:(\w+)(?:,\s*'([^']*)')?\}$/.exec(value);
  if (fromEnv) return env[fromEnv[1] as string] ?? fromEnv[2];
  const fromSelf = /^\$\{self:([\w.]+)\}$/.exec(value);
  if (fromSelf) {
    const found = (fromSelf[1] as string)
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
    return resolveVariable(found, config, env);
  }
  return value.includes('${') ? undefined : value;
}

/**
 * The environment serverless.yml gives function `name` (the provider's, then its own), as
 * far as it can be resolved here; what cannot (the operator token's stage settings) is left
 * out. NODE_OPTIONS among them: a cold start is measured with what is deployed.
 */
export function deployedEnvironment(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const config = serverlessConfig();
  const declared = { ...config.provider.environment, ...config.functions[name]?.environment };
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(declared)) {
    const text = resolveVariable(value, config, env);
    if (text !== undefined) resolved[key] = text;
  }
  return resolved;
}

export interface FunctionEntry {
  name: string;
  /** The source file, relative to the project, e.g. `functions/products/get.ts`. */
  entry: string;
}

/** Every function of serverless.yml with an HTTP event, in the order the file lists them. */
export function httpFunctions(): FunctionEntry[] {
  return Object.entries(serverlessConfig().functions)
    .filter(([, fn]) => fn.events?.some((event) => event.httpApi !== undefined))
    .map(([name, fn]) => ({ name, entry: `${fn.handler.replace(/\.[^.]+$/, '')}.ts` }));
}

export interface Bundle {
  /** The bundle's path (its map beside it). */
  file: string;
  bytes: number;
  metafile: Metafile;
}

/**
 * Builds `entry` (relative to the project, or absolute) into `outdir` as serverless.yml
 * would, with `overrides` on top (`{ minify: true }` for the minified size).
 */
export async function buildBundle(
  entry: string,
  outdir: string,
  overrides: BuildOptions = {},
): Promise<Bundle> {
  const file = path.join(outdir, `${path.basename(entry).replace(/\.ts$/, '')}.js`);
  const result = await build({
    ...esbuildOptions(),
    ...overrides,
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.metafile.outputs[path.relative(root, file)];
  return { file, bytes: output?.bytes ?? 0, metafile: result.metafile };
}

/** The packages (or `project`) a bundle's bytes come from, largest first. */
export function bytesByPackage(metafile: Metafile): [string, number][] {
  const sums = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const inPackage = input.split('node_modules/').pop() ?? input;
      const parts = inPackage.split('/');
      const name = input.includes('node_modules/')
        ? parts.slice(0, inPackage.startsWith('@') ? 2 : 1).join('/')
        : 'project';
      sums.set(name, (sums.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}
