/**
 * No key, operator token or key hash in a log line: what a line may not hold, and a watch
 * on the console that every test file of the cluster tiers runs under (after-env.ts). Test
 * files that capture the console themselves check their lines with `secretsIn` too.
 */
import { KEY_PATTERN } from '../../lib/auth/key-text';

const KEYS = new RegExp(KEY_PATTERN.source, 'g');
// A SHA-256 as hex, or as PostgreSQL prints a bytea: what a logged key hash would look like.
const HASHES = /\\x[0-9a-f]{64}|\b[0-9a-f]{64}\b/g;

/** What `text` holds that a log line must not, each named without its secret part. */
export function secretsIn(text: string): string[] {
  const found = [...text.matchAll(KEYS)].map((m) => `a key (${m[0].slice(0, 12)}…)`);
  found.push(...[...text.matchAll(HASHES)].map(() => 'a SHA-256 in hex (a key hash?)'));
  const token = process.env.ADMIN_TOKEN;
  if (token && text.includes(token)) found.push('the operator token');
  return found;
}

/**
 * Watches console.log, info, warn, error and debug for the rest of the file; returns what
 * the lines held that they must not (the lines themselves are not kept, they may hold secrets).
 */
export function watchConsole(): () => string[] {
  const leaks: string[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      for (const secret of secretsIn(args.map(String).join(' '))) leaks.push(`console.${method}: ${secret}`);
      original.apply(console, args);
    };
  }
  return () => leaks;
}
