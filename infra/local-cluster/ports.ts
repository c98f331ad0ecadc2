/** Loopback ports: which are free, and waiting for a server to take or leave one. */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every server of the local cluster listens on this address only. */
export const LOOPBACK = '127.0.0.1';

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolve(true)));
  });
}

/** A base port such that base..base+count-1 are all free on loopback. */
export async function findFreePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portIsFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`No range of ${count} free ports found on ${LOOPBACK}`);
}

/** Checks `done` every 50 ms until it holds or `ms` pass; whether it held. */
export async function waitFor(done: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (await done()) return true;
    await sleep(50);
  }
  return done();
}
