/**
 * The workers setup registers: a configured list, and every replica a DNS name resolves
 * to, each under a name that survives restarts.
 *
 * Docker compose answers a service name with one address per replica, but those
 * addresses are handed out again at every start, so a worker registered by address
 * points at another replica (or at nothing) after `stop`/`start` or `down`/`up`. Docker's
 * DNS also answers the reverse lookup of a replica's address with the replica's container
 * name (`distribushop-worker-1.distribushop_default`), which stays the same for the
 * same replica: that name is what gets registered.
 */
import { lookup, reverse } from 'node:dns/promises';
import type { Config } from '../config';

export interface WorkerAddress {
  host: string;
  port: number;
}

export const addressText = (w: WorkerAddress): string => `${w.host}:${w.port}`;

export function parseHostPort(item: string): WorkerAddress {
  const at = item.lastIndexOf(':');
  return { host: item.slice(0, at), port: Number(item.slice(at + 1)) };
}

export interface Resolver {
  /** Every IPv4 address of a name. */
  addresses(name: string): Promise<string[]>;
  /** The names an address answers to (reverse lookup); empty when it has none. */
  names(address: string): Promise<string[]>;
}

const systemResolver: Resolver = {
  async addresses(name) {
    const found = await lookup(name, { all: true, family: 4 });
    return [...new Set(found.map((a) => a.address))].sort();
  },
  async names(address) {
    try {
      return await reverse(address);
    } catch {
      return [];
    }
  },
};

/**
 * The stable name of a replica at `address`: the first label of its reverse name (the
 * container name, which resolves on the compose network), or the address itself when it
 * has no reverse name.
 */
async function stableName(address: string, resolver: Resolver = systemResolver): Promise<string> {
  const [name] = await resolver.names(address);
  if (!name) return address;
  const container = name.replace(/\.$/, '').split('.')[0] ?? name;
  // Use the short name only when it leads back to this very address.
  const back = await resolver.addresses(container).catch(() => [] as string[]);
  return back.includes(address) ? container : address;
}

/**
 * `WORKER_HOSTS` (host:port list), then every replica `WORKER_SERVICE` resolves to, by
 * its stable name; each once.
 */
export async function configuredWorkers(
  cfg: Pick<Config, 'WORKER_HOSTS' | 'WORKER_SERVICE' | 'WORKER_PORT'>,
  resolver: Resolver = systemResolver,
): Promise<WorkerAddress[]> {
  const workers = cfg.WORKER_HOSTS.map(parseHostPort);
  if (cfg.WORKER_SERVICE) {
    const addresses = await resolver.addresses(cfg.WORKER_SERVICE);
    const names = await Promise.all(addresses.map((a) => stableName(a, resolver)));
    for (const host of names.sort()) workers.push({ host, port: cfg.WORKER_PORT });
  }
  const seen = new Set<string>();
  return workers.filter((w) => {
    const key = addressText(w);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
