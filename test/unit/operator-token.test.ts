/**
 * The operator token on AWS: read from SSM Parameter Store through Powertools' parameters
 * utility and the AWS SDK, here against a local stand-in for the SSM endpoint
 * (AWS_ENDPOINT_URL_SSM), so that the whole path runs: the request the SDK signs and sends,
 * decryption asked for, the answer read, kept for the instance, and a failure turned into
 * a 503 that names no parameter value.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const PARAMETER = '/distribushop/test/admin-token';
const TOKEN = 'token-from-parameter-store-0123456789';

interface Seen {
  target: string | undefined;
  body: { Name?: string; WithDecryption?: boolean };
}

let server: Server;
const seen: Seen[] = [];
let answer: 'ok' | 'fail' = 'ok';

const read = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
  });

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = JSON.parse(await read(request)) as Seen['body'];
    seen.push({ target: request.headers['x-amz-target'] as string | undefined, body });
    if (answer === 'fail') {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ParameterNotFound', message: 'no such parameter' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(
      JSON.stringify({ Parameter: { Name: body.Name, Type: 'SecureString', Value: TOKEN, Version: 1 } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const saved = { ...process.env };
beforeEach(() => {
  jest.resetModules();
  seen.length = 0;
  answer = 'ok';
  process.env = {
    ...saved,
    DATABASE_URL: 'postgres://nobody@127.0.0.1:1/never-connected',
    ADMIN_TOKEN: '',
    ADMIN_TOKEN_PARAMETER: PARAMETER,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
    AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
});
afterEach(() => {
  process.env = saved;
});

const load = () =>
  import('../../lib/auth/operator-token') as Promise<typeof import('../../lib/auth/operator-token')>;

describe('the operator token from SSM Parameter Store', () => {
  it('should read the SecureString once, decrypted, and keep it for the instance', async () => {
    const { operatorToken } = await load();
    expect(await operatorToken()).toBe(TOKEN);
    expect(await operatorToken()).toBe(TOKEN);
    expect(seen).toEqual([
      { target: 'AmazonSSM.GetParameter', body: { Name: PARAMETER, WithDecryption: true } },
    ]);
  });

  it('should prefer ADMIN_TOKEN and not ask SSM at all', async () => {
    process.env.ADMIN_TOKEN = 'token-from-the-environment';
    const { operatorToken } = await load();
    expect(await operatorToken()).toBe('token-from-the-environment');
    expect(seen).toEqual([]);
  });

  it('should be a 503 that names the parameter but no value when SSM refuses', async () => {
    answer = 'fail';
    const { operatorToken } = await load();
    const error = (await operatorToken().catch((e: unknown) => e)) as {
      statusCode: number;
      publicDetail: string;
    };
    expect(error.statusCode).toBe(503);
    expect(error.publicDetail).toBe('The operator token could not be read');
  });

  it('should have no token, and close the operator routes, when neither variable is set', async () => {
    process.env.ADMIN_TOKEN_PARAMETER = '';
    const { operatorToken } = await load();
    expect(await operatorToken()).toBeUndefined();
    const { access } = (await import(
      '../../lib/http/middleware/access'
    )) as typeof import('../../lib/http/middleware/access');
    const request = {
      event: { headers: { authorization: `Bearer ${TOKEN}` }, pathParameters: {} },
      internal: {},
    } as never;
    const refused = await (access('operator').before as (r: unknown) => Promise<void>)(request).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ statusCode: 401, message: expect.stringMatching(/closed/) });
  });
});
