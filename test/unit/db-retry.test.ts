/**
 * DB_RETRY_MS: a statement is sent again, with pauses of 100 ms doubling up to 1 s, while
 * the database says "not now" and the window lasts; a repeatable one (a read, an order
 * call under its key) after any such error, any other only when it never ran; a
 * statement of a transaction never. Against servers that refuse or drop every connection,
 * counting the attempts; that the retries then succeed is tested on a real cluster
 * (test/integration/reliability/database-faults.test.ts).
 */
import net from 'node:net';
import { loadConfig } from '../../lib/config';
import { createDb, type Db, REPEATABLE } from '../../lib/db';
import { ServiceUnavailableError } from '../../lib/errors';

/** A server that accepts each connection and drops it at once, counting them. */
async function dropping(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const databaseAt = (port: number, retryMs: number): Db =>
  createDb(
    loadConfig({ DATABASE_URL: `postgres://app@127.0.0.1:${port}/shop`, DB_RETRY_MS: String(retryMs) }),
  );

/** How long `work` took to fail, and with what. */
async function failure(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await work();
  } catch (error: unknown) {
    return { ms: performance.now() - started, error };
  }
  throw new Error('expected a failure');
}

describe('DB_RETRY_MS', () => {
  let server: Awaited<ReturnType<typeof dropping>>;
  const opened: Db[] = [];
  const open = (port: number, retryMs: number) => {
    const database = databaseAt(port, retryMs);
    opened.push(database);
    return database;
  };
  let logs: jest.SpyInstance[];

  beforeEach(async () => {
    server = await dropping();
    logs = ['log', 'info', 'warn', 'error'].map((m) =>
      jest.spyOn(console, m as 'log').mockImplementation(() => undefined),
    );
  });
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close().catch(() => undefined);
    await server.close();
    for (const spy of logs) spy.mockRestore();
  });

  it('should send a repeatable statement again within the window, then answer 503', async () => {
    const { ms, error } = await failure(() => open(server.port, 1_000).query('SELECT 1', [], REPEATABLE));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    // Attempts at 0, 100, 300 and 700 ms; the next pause (800 ms) would end past the window.
    expect(server.connections()).toBeGreaterThanOrEqual(3);
    expect(server.connections()).toBeLessThanOrEqual(4);
    expect(ms).toBeGreaterThanOrEqual(300);
    expect(ms).toBeLessThan(1_000);
  });

  it('should not send a statement again that may have run', async () => {
    const { error } = await failure(() => open(server.port, 1_000).query('UPDATE t SET n = n + 1'));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(server.connections()).toBe(1);
  });

  it('should not send a statement of a transaction again', async () => {
    const database = open(server.port, 1_000);
    const { error } = await failure(() =>
      database.withTransaction((tx) => tx.query('SELECT 1', [], REPEATABLE)),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(server.connections()).toBe(1);
  });

  it('should send nothing again when the window is 0, the default', async () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@127.0.0.1:1/shop' }).DB_RETRY_MS).toBe(0);
    const { error } = await failure(() => open(server.port, 0).query('SELECT 1', [], REPEATABLE));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(server.connections()).toBe(1);
  });

  it('should send any statement again while the server refuses connections: it never ran', async () => {
    const port = await refusedPort();
    const { ms, error } = await failure(() => open(port, 1_000).query('UPDATE t SET n = n + 1'));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(ms).toBeGreaterThanOrEqual(300);
    expect(ms).toBeLessThan(1_000);
  });
});
