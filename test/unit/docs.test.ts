/**
 * The README and the guides in docs/ held to the code and to each other: every relative
 * link resolves to a file and, with an anchor, to a heading of it; every heading is in its
 * file's table of contents; the README stays short; its API table is the route table; and
 * docs/configuration.md is what infra/docs/configuration.ts generates from lib/config/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { configurationDoc } from '../../infra/docs/configuration';
import { consoleRoutes, routes } from '../../lib/http/routes';

const root = path.join(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const files = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text without fenced code blocks, whose lines are neither links nor headings. */
const prose = (text: string) => text.replace(/^\s*```[\s\S]*?^\s*```/gm, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

interface Heading {
  level: number;
  text: string;
  anchor: string;
}

function headings(file: string): Heading[] {
  const seen = new Map<string, number>();
  return [...prose(read(file)).matchAll(/^(#{1,6}) (.+)$/gm)].map((m) => {
    const base = slug(m[2] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return {
      level: (m[1] as string).length,
      text: m[2] as string,
      anchor: count ? `${base}-${count}` : base,
    };
  });
}

/** Every link target of a file's prose, images included. */
const links = (file: string) =>
  [...prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);

/** The file's table of contents: the anchors of its first list of in-page links. */
function contents(file: string): string[] {
  const lines = read(file).split('\n');
  const item = /^\s*- \[[^\]]+\]\(#([^)]+)\)$/;
  const first = lines.findIndex((l) => item.test(l));
  const anchors: string[] = [];
  for (let i = first; i >= 0 && i < lines.length && item.test(lines[i] as string); i += 1) {
    anchors.push(item.exec(lines[i] as string)?.[1] as string);
  }
  return anchors;
}

describe('the README and docs/', () => {
  it.each(files)('should have every relative link of %s resolve, anchors included', (file) => {
    const broken: string[] = [];
    for (const link of links(file)) {
      if (/^[a-z]+:/.test(link)) continue;
      const [target = '', anchor] = link.split('#');
      const resolved = target ? path.join(path.dirname(file), target) : file;
      if (!existsSync(path.join(root, resolved))) {
        broken.push(`${link}: no ${resolved}`);
      } else if (anchor !== undefined && resolved.endsWith('.md')) {
        if (!headings(resolved).some((h) => h.anchor === anchor))
          broken.push(`${link}: no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(files)('should list every section of %s in its table of contents', (file) => {
    const listed = contents(file);
    const sections = headings(file)
      .filter((h) => h.level === 2 || h.level === 3)
      .filter((h) => h.text !== 'Contents')
      .map((h) => h.anchor);
    expect(sections.filter((anchor) => !listed.includes(anchor))).toEqual([]);
    expect(listed.filter((anchor) => !sections.includes(anchor))).toEqual([]);
  });

  it('should keep the README under 300 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThan(300);
  });
});

describe("the README's API table", () => {
  it('should list every route of the route table with its access level', () => {
    const api =
      read('README.md')
        .split(/^## /m)
        .find((s) => s.startsWith('The API\n')) ?? '';
    const listed: Record<string, string> = {};
    for (const row of api.matchAll(/^\| (`[^|]+`) \| (\w+) \|/gm)) {
      for (const route of (row[1] as string).matchAll(/`([A-Z]+ [^`?]+)(\?[^`]*)?`/g)) {
        listed[route[1] as string] = row[2] as string;
      }
    }
    const declared = Object.fromEntries(
      [...Object.values(routes), ...Object.values(consoleRoutes)].map((r) => [
        `${r.method.toUpperCase()} ${r.path}`,
        r.access,
      ]),
    );
    expect(listed).toEqual(declared);
  });
});

describe('docs/configuration.md', () => {
  it('should be what `npm run docs:config` generates from lib/config/', () => {
    const generated = configurationDoc().split('\n');
    const committed = read('docs/configuration.md').split('\n');
    const line = committed.findIndex((text, i) => text !== generated[i]);
    const differs = line >= 0 || committed.length !== generated.length;
    const at = line >= 0 ? line : Math.min(committed.length, generated.length);
    expect(
      differs
        ? `docs/configuration.md is not what lib/config/ generates (line ${at + 1}: ` +
            `${JSON.stringify(committed[at] ?? '')}, generated ${JSON.stringify(generated[at] ?? '')}); ` +
            'run `npm run docs:config` and commit the file'
        : 'up to date',
    ).toBe('up to date');
  });
});
