/**
 * Finding the project's own files at run time, from source (tsx, jest) and from a bundle
 * alike: esbuild puts a function at `.esbuild/.build/functions/...` under serverless-offline
 * and at `functions/...` in a Lambda package, with the files its `package.patterns` name
 * beside the bundle's root, so the nearest folder above the module or the working
 * directory is the one to use.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The nearest folder named `relative` that holds `marker`, looking in each folder above
 * each of `starts` in turn (by default this module's, then the working directory);
 * undefined when there is none.
 */
export function findUp(
  relative: string,
  marker: string,
  starts: string[] = [__dirname, process.cwd()],
): string | undefined {
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const candidate = path.join(dir, relative);
      if (existsSync(path.join(candidate, marker))) return candidate;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}
