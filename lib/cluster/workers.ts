/** The workers setup registers: a configured list, or every address a DNS name resolves to. */
import { lookup } from 'node:dns/promises';
import type { Config } from '../config';

export interface WorkerAddress {
  host: string;
  port: number;
}

export function parseHostPort(item: string): WorkerAddress {
  const at = item.lastIndexOf(':');
  return { host: item.slice(0, at), port: Number(item.slice(at + 1)) };
}

/**
 * `WORKER_HOSTS` (host:port list), then every IPv4 address `WORKER_SERVICE` resolves to
 * (docker compose answers a service name with one address per replica).
 */
export async function configuredWorkers(
  cfg: Pick<Config, 'WORKER_HOSTS' | 'WORKER_SERVICE' | 'WORKER_PORT'>,
  resolve: (name: string) => Promise<string[]> = resolveAll,
): Promise<WorkerAddress[]> {
  const workers = cfg.WORKER_HOSTS.map(parseHostPort);
  if (cfg.WORKER_SERVICE) {
    for (const host of await resolve(cfg.WORKER_SERVICE)) workers.push({ host, port: cfg.WORKER_PORT });
  }
  const seen = new Set<string>();
  return workers.filter((w) => {
    const key = `${w.host}:${w.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function resolveAll(name: string): Promise<string[]> {
  const addresses = await lookup(name, { all: true, family: 4 });
  return [...new Set(addresses.map((a) => a.address))].sort();
}
