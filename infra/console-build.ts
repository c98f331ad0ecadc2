/**
 * Building the console (web/ → web/dist) when it is missing or stale: `npm start`, the
 * end-to-end tier and `npm run build:web` all come here. Staleness is judged by content,
 * not by file times (a checkout or a branch switch changes those): a hash of everything
 * the build reads (web/ but its output, the one lib module the page bundles, and the lock
 * file that pins Vite and Preact) is kept beside the output and compared.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const webDir = path.join(root, 'web');
export const distDir = path.join(webDir, 'dist');
/** Kept in the output folder; a dot file, so the console functions never serve it. */
const STAMP = path.join(distDir, '.inputs-sha256');
/** What the page bundles from outside web/ (test/unit/console-api.test.ts keeps this list true). */
export const BUNDLED_FROM_LIB = ['lib/format.ts', 'lib/limits.ts'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'dist' || entry.name === 'node_modules' ? [] : filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

/** The hash of every input of the build, by path and content. */
function inputsHash(): string {
  const files = [
    ...filesUnder(webDir),
    ...BUNDLED_FROM_LIB.map((f) => path.join(root, f)),
    path.join(root, 'package-lock.json'),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export type BuildOutcome = 'built' | 'up to date';

/**
 * Builds the console unless web/dist already holds the build of these inputs (`force`:
 * build anyway). Vite runs in a process of its own; its output goes to `log`.
 */
export function ensureConsoleBuild(
  opts: { force?: boolean; log?: (line: string) => void } = {},
): BuildOutcome {
  const log = opts.log ?? ((line: string) => console.log(line));
  const hash = inputsHash();
  const built = existsSync(path.join(distDir, 'index.html')) && existsSync(STAMP);
  if (!opts.force && built && readFileSync(STAMP, 'utf8').trim() === hash) return 'up to date';
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  if (!existsSync(vite))
    throw new Error('Vite is not installed: run npm ci first (it is a development dependency)');
  const result = spawnSync(vite, ['build', webDir, '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) {
    throw new Error(
      `the console's build failed (vite build web, exit ${result.status ?? result.signal}):\n${output}`,
    );
  }
  if (output) log(output);
  writeFileSync(STAMP, `${hash}\n`);
  return 'built';
}
