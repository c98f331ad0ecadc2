/**
 * The document GET /openapi.json serves is docs/openapi.json, generated ahead from the
 * contract by `npm run openapi` (no function bundles the generator): the file must be what
 * the contract and the route table generate now, and the function must answer it as the
 * generator makes it, byte for byte.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { handler } from '../../functions/system/openapi';
import { openApiDocument, openApiText } from '../../lib/http/openapi';
import { OPENAPI_FILE } from '../../lib/http/openapi-document';
import { routes } from '../../lib/http/routes';
import { context, httpEvent, withUnusedDatabaseUrl } from '../support/lambda';

const file = path.join(__dirname, '../..', OPENAPI_FILE);

describe('docs/openapi.json', () => {
  it('should be the document the contract generates now (npm run openapi writes it)', () => {
    const current = readFileSync(file, 'utf8') === openApiText();
    expect(current ? 'current' : `${OPENAPI_FILE} is stale: run npm run openapi`).toBe('current');
  });
});

describe('the openapi function', () => {
  withUnusedDatabaseUrl();

  it('should answer the generated document byte for byte', async () => {
    const reply = await handler(httpEvent(routes.openapi), context);
    expect(reply.statusCode).toBe(200);
    expect(reply.headers?.['content-type']).toBe('application/json');
    expect(reply.body === JSON.stringify(openApiDocument())).toBe(true);
  });
});
