/**
 * The console's files as its two functions serve them: content types, ETags and 304s,
 * Cache-Control by kind of file, and a problem+json 404 for anything that is not a file of
 * the build (traversal, dot files, a missing build), through the in-process gateway.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleFile, IMMUTABLE, REVALIDATE } from '../../lib/console/files';
import { NotFoundError } from '../../lib/errors';
import { dispatch } from '../support/gateway';

const dir = mkdtempSync(path.join(os.tmpdir(), 'console-dist-'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
mkdirSync(path.join(dir, 'assets'));
writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
writeFileSync(path.join(dir, 'assets', 'index-3f9a2c1b.js'), 'console.log("hi")');
writeFileSync(path.join(dir, 'assets', 'index-77aa01.css'), 'body{margin:0}');
writeFileSync(path.join(dir, 'assets', 'logo-1a2b3c.png'), PNG);
writeFileSync(path.join(dir, '.inputs-sha256'), 'abc');

describe('console files', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8', REVALIDATE],
    ['favicon.svg', 'image/svg+xml', REVALIDATE],
    ['assets/index-3f9a2c1b.js', 'text/javascript; charset=utf-8', IMMUTABLE],
    ['assets/index-77aa01.css', 'text/css; charset=utf-8', IMMUTABLE],
    ['assets/logo-1a2b3c.png', 'image/png', IMMUTABLE],
  ])('should serve %s as %s with Cache-Control %s', (file, contentType, cacheControl) => {
    const reply = consoleFile(file, undefined, dir);
    expect(reply.statusCode).toBe(200);
    expect(reply.headers).toMatchObject({
      'content-type': contentType,
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
    });
    expect(reply.headers?.etag).toMatch(/^"[\w-]{32}"$/);
  });

  it('should send binary files base64-encoded and text as it is', () => {
    const png = consoleFile('assets/logo-1a2b3c.png', undefined, dir);
    expect(png.raw).toEqual({ body: PNG.toString('base64'), isBase64Encoded: true });
    const js = consoleFile('assets/index-3f9a2c1b.js', undefined, dir);
    expect(js.raw).toEqual({ body: 'console.log("hi")', isBase64Encoded: false });
  });

  it('should give the page its security policy', () => {
    const page = consoleFile('index.html', undefined, dir);
    expect(page.headers?.['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(consoleFile('assets/index-3f9a2c1b.js', undefined, dir).headers).not.toHaveProperty(
      'content-security-policy',
    );
  });

  it('should answer 304 with no body when the browser has the same ETag', () => {
    const first = consoleFile('index.html', undefined, dir);
    const etag = first.headers?.etag as string;
    expect(consoleFile('index.html', etag, dir)).toMatchObject({ statusCode: 304, raw: { body: '' } });
    expect(consoleFile('index.html', `"other", W/${etag}`, dir).statusCode).toBe(304);
    expect(consoleFile('index.html', '"other"', dir).statusCode).toBe(200);
  });

  it.each([
    'missing.js',
    'assets/missing.js',
    '../package.json',
    'assets/../index.html',
    '.inputs-sha256',
    'assets',
    'assets/',
    '/etc/passwd',
    'a\\b',
  ])('should answer %s with 404', (file) => {
    expect(() => consoleFile(file, undefined, dir)).toThrow(NotFoundError);
  });

  it('should say how to build the console when there is no build', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'console-unbuilt-'));
    expect(() => consoleFile('index.html', undefined, empty)).toThrow(/npm run build:web/);
  });
});

describe('the console functions', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    // They read the configuration (size limits, CONSOLE_DIR) but never connect.
    process.env.DATABASE_URL ??= 'postgres://nobody@127.0.0.1:1/none';
    process.env.CONSOLE_DIR = dir;
  });
  afterAll(() => {
    process.env = saved;
  });

  it('should serve the page at /console and its files under /console/', async () => {
    const page = await dispatch({ method: 'GET', path: '/console' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>console</title>');
    const script = await dispatch({ method: 'GET', path: '/console/assets/index-3f9a2c1b.js' });
    expect(script.status).toBe(200);
    expect(script.headers['cache-control']).toBe(IMMUTABLE);
    const again = await dispatch({
      method: 'GET',
      path: '/console/assets/index-3f9a2c1b.js',
      headers: { 'if-none-match': script.headers.etag as string },
    });
    expect(again.status).toBe(304);
  });

  it('should answer a file that is not there with a problem+json 404', async () => {
    const reply = await dispatch({ method: 'GET', path: '/console/assets/gone-123.js' });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(reply.body)).toMatchObject({ type: '/problems/not-found', status: 404 });
  });

  it('should answer another method on a console path with 405 and Allow: GET', async () => {
    const reply = await dispatch({ method: 'POST', path: '/console/assets/index-3f9a2c1b.js' });
    expect(reply.status).toBe(405);
    expect(reply.headers.Allow).toBe('GET');
  });
});
