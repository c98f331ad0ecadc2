/**
 * The PostgreSQL server binaries the nodes run, whether Citus is installed for them, and
 * PgBouncer's binary.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const hasServer = (dir: string) =>
  existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres'));

/** The PostgreSQL server binaries: `configured` (PG_BIN), else `pg_config --bindir`, else the usual install locations. */
export async function findPgBin(configured?: string): Promise<string> {
  if (configured) {
    if (!hasServer(configured)) throw new Error(`PG_BIN=${configured} has no initdb and postgres binaries`);
    return configured;
  }
  try {
    const dir = (await run('pg_config', ['--bindir'], { encoding: 'utf8' })).stdout.trim();
    if (hasServer(dir)) return dir;
  } catch {
    // no pg_config on PATH: fall through to the usual locations
  }
  const candidates: string[] = [];
  for (const root of ['/usr/lib/postgresql', '/usr/pgsql', '/opt/homebrew/opt', '/usr/local/opt']) {
    if (!existsSync(root)) continue;
    for (const entry of await readdir(root)) candidates.push(path.join(root, entry, 'bin'));
  }
  candidates.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  candidates.push('/usr/local/pgsql/bin', '/usr/bin');
  const found = candidates.find(hasServer);
  if (!found) {
    throw new Error(
      'No PostgreSQL server binaries found (initdb, postgres). Install PostgreSQL or set PG_BIN to their directory.',
    );
  }
  return found;
}

/** The major version of the server in `pgBin` ("15"). */
export async function pgMajorVersion(pgBin: string): Promise<string> {
  const out = (await run(path.join(pgBin, 'postgres'), ['--version'], { encoding: 'utf8' })).stdout;
  const match = /(\d+)(?:\.\d+)?/.exec(out);
  if (!match?.[1]) throw new Error(`Cannot read the PostgreSQL version from "${out.trim()}"`);
  return match[1];
}

/** The directory PostgreSQL looks in for extension control files, for the binaries in `pgBin`. */
async function extensionDir(pgBin: string): Promise<string> {
  const shareDir = async (pgConfig: string) =>
    (await run(pgConfig, ['--sharedir'], { encoding: 'utf8' })).stdout.trim();
  const pgConfig = path.join(pgBin, 'pg_config');
  if (existsSync(pgConfig)) return path.join(await shareDir(pgConfig), 'extension');
  // Debian keeps pg_config outside the versioned bindir; its share dir follows the version.
  const debian = `/usr/share/postgresql/${await pgMajorVersion(pgBin)}/extension`;
  if (existsSync(debian)) return debian;
  return path.join(await shareDir('pg_config'), 'extension');
}

/** The installed Citus version for these binaries, or null when Citus is not installed. */
export async function installedCitusVersion(pgBin: string): Promise<string | null> {
  const control = path.join(await extensionDir(pgBin), 'citus.control');
  if (!existsSync(control)) return null;
  const match = /default_version\s*=\s*'([^']+)'/.exec(await readFile(control, 'utf8'));
  return match?.[1] ?? 'unknown';
}

/** The `psql` beside the server binaries, else the one on PATH. */
export function psqlBinary(pgBin: string): string {
  return existsSync(path.join(pgBin, 'psql')) ? path.join(pgBin, 'psql') : 'psql';
}

/** A program (`pgbouncer`, `patroni`), on `searchPath` or where Debian installs it; null when it is not installed. */
export function findProgram(name: string, searchPath: string = process.env.PATH ?? ''): string | null {
  const dirs = [...searchPath.split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/** A program's path when it is installed, else its bare name (for an error that names it). */
export const program = (name: string): string => findProgram(name) ?? name;

/** PgBouncer's binary; null when it is not installed. */
export const findPgBouncer = (searchPath?: string): string | null => findProgram('pgbouncer', searchPath);
