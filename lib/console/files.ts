/**
 * The console's built files (web/dist, made by `npm run build:web` from web/), as the
 * console functions serve them: each with its content type, a strong ETag (answered
 * with 304 when the browser already has it) and a Cache-Control that suits how the file
 * is named. Vite puts every script, style and image under `assets/` with a hash of its
 * content in the name, so those never change under their name and are cached for a year;
 * the page itself and anything else keep their names across builds, so the browser asks
 * again every time (`no-cache`, cheap with the ETag).
 *
 * The files are read from disk on each request: the build can be redone while the API
 * runs (npm start, serverless-offline), and a Lambda reads a few small files quickly.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { config } from '../config';
import { NotFoundError } from '../errors';
import type { HttpResult } from '../http/handler';
import { findUp } from '../paths';

/**
 * The build's folder: CONSOLE_DIR, else the nearest web/dist above the working directory
 * and then above the code. On AWS both lead to the copy packaged beside the bundle; under
 * serverless-offline the working directory's comes first, so a build made while the API
 * runs is served, not the copy the bundler took when it started.
 */
const consoleDir = (configured = config().CONSOLE_DIR): string | undefined =>
  configured ?? findUp(path.join('web', 'dist'), 'index.html', [process.cwd(), __dirname]);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** What can be sent as text; anything else goes base64-encoded, as API Gateway expects binary. */
const TEXT_TYPE = /^(text\/|application\/json|image\/svg\+xml)/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/**
 * The page's policy: everything from this origin only (the API is on the same origin),
 * nothing framed, no inline script.
 */
const PAGE_SECURITY = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'same-origin',
};

/** One path segment of a file the build made: no dot files, no `..`, nothing but plain names. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

const NOT_BUILT =
  'The console has not been built on this server: run npm run build:web (npm start does it), or deploy web/dist with the functions';
const NO_SUCH_FILE = 'The console has no such file; the page is at /console';

/**
 * The response for `file` (a path under /console/, `index.html` for the page): the file
 * with its headers, or 304 when `ifNoneMatch` names its ETag. A path that is not a file
 * of the build (whatever its dots and slashes) is a 404.
 */
export function consoleFile(file: string, ifNoneMatch?: string, dir = consoleDir()): HttpResult {
  if (!dir || !statSync(path.join(dir, 'index.html'), { throwIfNoEntry: false })) {
    throw new NotFoundError(NOT_BUILT);
  }
  const segments = file.split('/');
  if (!segments.every((s) => SEGMENT.test(s))) throw new NotFoundError(NO_SUCH_FILE);
  const full = path.join(dir, ...segments);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new NotFoundError(NO_SUCH_FILE);

  const bytes = readFileSync(full);
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
  const contentType = CONTENT_TYPES[path.extname(full).toLowerCase()] ?? 'application/octet-stream';
  const headers: Record<string, string> = {
    'content-type': contentType,
    'cache-control': segments[0] === 'assets' && segments.length > 1 ? IMMUTABLE : REVALIDATE,
    etag,
    'x-content-type-options': 'nosniff',
    ...(contentType.startsWith('text/html') ? PAGE_SECURITY : {}),
  };
  const matches = ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  if (matches) return { statusCode: 304, headers, raw: { body: '', isBase64Encoded: false } };
  const text = TEXT_TYPE.test(contentType);
  return {
    statusCode: 200,
    headers,
    raw: { body: bytes.toString(text ? 'utf8' : 'base64'), isBase64Encoded: !text },
  };
}
