/**
 * Stacks in the TypeScript sources, without loading a source map at start.
 *
 * The functions' bundles carry their maps (`get.js.map` beside `get.js`: esbuild's
 * `sourcemap` in serverless.yml), but Node is not told to load them: with
 * `--enable-source-maps` it reads and decodes every map as its bundle loads, which cost
 * 50 to 130 ms of each cold start for stacks that are rarely printed (and it cannot be
 * asked later: `process.setSourceMapsEnabled(true)` maps only modules loaded after it).
 * Instead, the first stack a log line carries through a bundle reads that bundle's map,
 * once per process, with Node's own `SourceMap`, and each frame then names its source
 * file, line and column. That first stack pays what every start paid before: 60 to 70 ms
 * for one function's map on the benchmark's machine. Frames of files without a map beside
 * them (Node's own, or the sources themselves when tests and scripts run them) stay as
 * they are.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

/** Each file's map, or null when it has none; read on the first frame of that file. */
const maps = new Map<string, SourceMap | null>();

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    map = null;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      // No map beside the file (or not one Node can read): its frames stay as they are.
    }
    maps.set(file, map);
  }
  return map;
}

/** `/var/task/functions/products/get.js:1234:17` as a frame of a bundle writes it. */
const BUNDLE_FRAME = /(\/[^():]+\.[cm]?js):(\d+):(\d+)/;

/** One frame's position in the source, or the frame unchanged. */
function mapFrame(frame: string): string {
  const match = /^\s+at /.test(frame) ? BUNDLE_FRAME.exec(frame) : null;
  if (!match) return frame;
  const [position, file = '', line = '', column = ''] = match;
  const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
  if (!entry || !('originalSource' in entry)) return frame;
  const source = path.resolve(path.dirname(file), entry.originalSource);
  return frame.replace(position, `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}

/** A stack with every frame of a bundle pointed at its source line. */
export function sourceMapped(stack: string): string {
  return stack.split('\n').map(mapFrame).join('\n');
}
