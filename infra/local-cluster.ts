/**
 * The local cluster launcher: a coordinator and N workers as separate PostgreSQL server
 * processes on loopback ports, all data in one directory. No Docker needed. It starts
 * and stops processes and nothing more: registering the workers with the coordinator is
 * setup's job (lib/cluster/setup.ts, `./init.sh`), as it is under docker compose.
 *
 * When the `citus` extension is installed for the PostgreSQL binaries found, every node
 * preloads it and has the extension created in its database. When it is not, one plain
 * PostgreSQL node is started and the cluster is reported as undistributed.
 *
 * When PgBouncer is installed (Debian's `pgbouncer` package), it runs in front of the
 * coordinator in transaction mode, as the functions should reach any Citus cluster: many
 * function instances, each with its own connection, share a bounded number of the
 * coordinator's. Without it the functions connect to the coordinator directly, and the
 * launcher says so.
 *
 * PostgreSQL (and PgBouncer) refuse to run as root, so when this runs as root the servers
 * run as an unprivileged user (`CLUSTER_USER`, else `postgres`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { databaseSection, type LocalClusterConfig, loadLocalClusterConfig } from '../lib/config';

export type CitusMode = LocalClusterConfig['CLUSTER_CITUS'];
export type PoolerMode = LocalClusterConfig['CLUSTER_POOLER'];

export interface ClusterOptions {
  /** Directory that holds every node's data, logs and the cluster's state file. */
  dir: string;
  /** Number of workers when Citus is available (default 4). */
  workers: number;
  /** Coordinator port; worker i listens on port + i. `0` picks a free range. */
  port: number;
  /** `auto` uses Citus when installed; `on` requires it; `off` starts plain PostgreSQL. */
  citus: CitusMode;
  /** Name of the database created on every node. */
  database: string;
  /** Trade durability for speed (fsync off): for tests and throwaway clusters only. */
  fast: boolean;
  /** PgBouncer in front of the coordinator: `auto` when installed, `on` requires it, `off` never. */
  pooler?: PoolerMode;
  /** PgBouncer's port; default the coordinator's port - 1, or a free one when `port` is 0. */
  poolerPort?: number;
  /** Print progress lines. */
  log: (line: string) => void;
}

export interface NodeAddress {
  name: string;
  host: string;
  port: number;
}

export interface ClusterState {
  dir: string;
  pgBin: string;
  pgVersion: string;
  citus: boolean;
  citusVersion: string | null;
  user: string;
  database: string;
  coordinator: NodeAddress;
  workers: NodeAddress[];
  /** PgBouncer in front of the coordinator; null (or absent, for older clusters) when there is none. */
  pooler?: NodeAddress | null;
  /** Why there is no pooler, in words for people. */
  poolerNote?: string;
}

export interface NodeStatus extends NodeAddress {
  running: boolean;
}

const STATE_FILE = 'cluster.json';
const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';

/** Options from the environment (CLUSTER_*), with the documented defaults. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterOptions {
  const cfg = loadLocalClusterConfig(env);
  return {
    dir: path.resolve(cfg.CLUSTER_DIR ?? path.join(__dirname, '..', '.cluster')),
    workers: cfg.CLUSTER_WORKERS,
    port: cfg.CLUSTER_PORT,
    citus: cfg.CLUSTER_CITUS,
    database: cfg.CLUSTER_DATABASE,
    fast: cfg.CLUSTER_FAST,
    pooler: cfg.CLUSTER_POOLER,
    poolerPort: cfg.CLUSTER_POOLER_PORT,
    log: (line) => console.log(line),
  };
}

/** The PostgreSQL server binaries: `PG_BIN`, else `pg_config --bindir`, else the usual install locations. */
export function findPgBin(configured: string | undefined = loadLocalClusterConfig().PG_BIN): string {
  const hasServer = (dir: string) =>
    existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres'));
  if (configured) {
    if (!hasServer(configured)) throw new Error(`PG_BIN=${configured} has no initdb and postgres binaries`);
    return configured;
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (hasServer(dir)) return dir;
  } catch {
    // no pg_config on PATH: fall through to the usual locations
  }
  const candidates: string[] = [];
  for (const root of ['/usr/lib/postgresql', '/usr/pgsql', '/opt/homebrew/opt', '/usr/local/opt']) {
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root)) candidates.push(path.join(root, entry, 'bin'));
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

/** The directory PostgreSQL looks in for extension control files, for the binaries in `pgBin`. */
function extensionDir(pgBin: string): string {
  const pgConfig = path.join(pgBin, 'pg_config');
  const run = (cmd: string) => execFileSync(cmd, ['--sharedir'], { encoding: 'utf8' }).trim();
  if (existsSync(pgConfig)) return path.join(run(pgConfig), 'extension');
  // Debian keeps pg_config outside the versioned bindir; its share dir follows the version.
  const version = pgMajorVersion(pgBin);
  const debian = `/usr/share/postgresql/${version}/extension`;
  if (existsSync(debian)) return debian;
  return path.join(run('pg_config'), 'extension');
}

function pgMajorVersion(pgBin: string): string {
  const out = execFileSync(path.join(pgBin, 'postgres'), ['--version'], { encoding: 'utf8' });
  const match = /(\d+)(?:\.\d+)?/.exec(out);
  if (!match?.[1]) throw new Error(`Cannot read the PostgreSQL version from "${out.trim()}"`);
  return match[1];
}

/** The installed Citus version for these binaries, or null when Citus is not installed. */
export function installedCitusVersion(pgBin: string): string | null {
  const control = path.join(extensionDir(pgBin), 'citus.control');
  if (!existsSync(control)) return null;
  const match = /default_version\s*=\s*'([^']+)'/.exec(readFileSync(control, 'utf8'));
  return match?.[1] ?? 'unknown';
}

interface RunAs {
  name: string;
  uid?: number;
  gid?: number;
}

/** Root may not run PostgreSQL: pick the unprivileged account the servers run as (CLUSTER_USER). */
function serverAccount(name: string = loadLocalClusterConfig().CLUSTER_USER): RunAs {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return { name: os.userInfo().username };
  const id = (flag: string) =>
    Number(
      execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
  try {
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      `Running as root, so the PostgreSQL servers must run as an unprivileged user, but user "${name}" does not exist. ` +
        'Create it (useradd --system postgres) or set CLUSTER_USER to an existing unprivileged user.',
    );
  }
}

function run(account: RunAs, cmd: string, args: string[], opts: { allowFail?: boolean; home?: string } = {}) {
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    uid: account.uid,
    gid: account.gid,
    // The servers' user may not be able to read root's working directory, nor root's
    // ~/.postgresql, where libpq (and so Citus, between nodes) looks for client certificates.
    cwd: '/',
    env: { ...process.env, PGCONNECT_TIMEOUT: '5', LC_ALL: 'C', ...(opts.home ? { HOME: opts.home } : {}) },
  });
  if (result.error) throw result.error;
  if (result.status !== 0 && !opts.allowFail) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
  }
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function psql(
  state: Pick<ClusterState, 'pgBin'>,
  account: RunAs,
  node: NodeAddress,
  db: string,
  sql: string,
) {
  const psqlBin = existsSync(path.join(state.pgBin, 'psql')) ? path.join(state.pgBin, 'psql') : 'psql';
  return run(account, psqlBin, [
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-tA',
    '-h',
    node.host,
    '-p',
    String(node.port),
    '-U',
    SUPERUSER,
    '-d',
    db,
    '-c',
    sql,
  ]).stdout.trim();
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A base port such that base..base+count-1 are all free on loopback. */
export async function findFreePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portIsFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`No range of ${count} free ports found on ${HOST}`);
}

export function readState(dir: string): ClusterState | null {
  const file = path.join(dir, STATE_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}

function nodeDir(state: Pick<ClusterState, 'dir'>, node: NodeAddress): string {
  return path.join(state.dir, node.name);
}

function allNodes(state: ClusterState): NodeAddress[] {
  return [state.coordinator, ...state.workers];
}

function isRunning(state: ClusterState, account: RunAs, node: NodeAddress): boolean {
  const dataDir = nodeDir(state, node);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
  return (
    run(account, path.join(state.pgBin, 'pg_ctl'), ['status', '-D', dataDir], { allowFail: true }).status ===
    0
  );
}

function nodeConfig(state: ClusterState, node: NodeAddress, fast: boolean): string {
  const lines = [
    '# written by DistribuShop infra/local-cluster.ts',
    `port = ${node.port}`,
    `listen_addresses = '${HOST}'`,
    "unix_socket_directories = ''",
    'max_connections = 200',
    "log_line_prefix = '%m [%p] %q%u@%d '",
  ];
  if (state.citus) {
    lines.push(
      "shared_preload_libraries = 'citus'",
      'wal_level = logical',
      'max_prepared_transactions = 200',
    );
  }
  if (fast) lines.push('fsync = off', 'synchronous_commit = off', 'full_page_writes = off');
  return `${lines.join('\n')}\n`;
}

function initNode(
  state: ClusterState,
  account: RunAs,
  node: NodeAddress,
  fast: boolean,
  log: (l: string) => void,
) {
  const dataDir = nodeDir(state, node);
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  log(`initdb ${node.name} (${dataDir})`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (account.uid !== undefined && account.gid !== undefined) chownSync(dataDir, account.uid, account.gid);
  run(account, path.join(state.pgBin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    SUPERUSER,
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-instructions',
  ]);
  writeFileSync(path.join(dataDir, 'postgresql.auto.conf'), nodeConfig(state, node, fast));
  if (account.uid !== undefined && account.gid !== undefined) {
    chownSync(path.join(dataDir, 'postgresql.auto.conf'), account.uid, account.gid);
  }
}

function startNode(state: ClusterState, account: RunAs, node: NodeAddress, log: (l: string) => void) {
  if (isRunning(state, account, node)) return;
  const dataDir = nodeDir(state, node);
  log(`start ${node.name} on ${node.host}:${node.port}`);
  run(
    account,
    path.join(state.pgBin, 'pg_ctl'),
    ['start', '-D', dataDir, '-l', path.join(state.dir, 'logs', `${node.name}.log`), '-w', '-t', '60'],
    { home: state.dir },
  );
}

function ensureDatabase(state: ClusterState, account: RunAs, node: NodeAddress) {
  const exists = psql(
    state,
    account,
    node,
    'postgres',
    `SELECT 1 FROM pg_database WHERE datname = '${state.database}'`,
  );
  if (exists !== '1') psql(state, account, node, 'postgres', `CREATE DATABASE "${state.database}"`);
  if (state.citus) psql(state, account, node, state.database, 'CREATE EXTENSION IF NOT EXISTS citus');
}

/** Starts the cluster, or finds it already running (start twice = one cluster). */
export async function startCluster(options: ClusterOptions): Promise<ClusterState> {
  const account = serverAccount();
  let state = readState(options.dir);
  if (!state) {
    const pgBin = findPgBin();
    const citusVersion = options.citus === 'off' ? null : installedCitusVersion(pgBin);
    if (options.citus === 'on' && !citusVersion) {
      throw new Error(`CLUSTER_CITUS=on but the citus extension is not installed for ${pgBin}`);
    }
    const citus = citusVersion !== null;
    const nodeCount = citus ? options.workers + 1 : 1;
    const port = options.port === 0 ? await findFreePortRange(nodeCount) : options.port;
    state = {
      dir: options.dir,
      pgBin,
      pgVersion: pgMajorVersion(pgBin),
      citus,
      citusVersion,
      user: account.name,
      database: options.database,
      coordinator: { name: 'coordinator', host: HOST, port },
      workers: citus
        ? Array.from({ length: options.workers }, (_, i) => ({
            name: `worker${i + 1}`,
            host: HOST,
            port: port + i + 1,
          }))
        : [],
    };
  }
  mkdirSync(path.join(state.dir, 'logs'), { recursive: true });
  if (account.uid !== undefined && account.gid !== undefined) {
    chownSync(state.dir, account.uid, account.gid);
    chownSync(path.join(state.dir, 'logs'), account.uid, account.gid);
  }
  for (const node of allNodes(state)) {
    if (!isRunning(state, account, node) && !(await portIsFree(node.port))) {
      throw new Error(
        `Port ${node.port} for ${node.name} is taken by another process; set CLUSTER_PORT to another base port`,
      );
    }
  }
  for (const node of allNodes(state)) initNode(state, account, node, options.fast, options.log);
  writeState(state);
  for (const node of allNodes(state)) startNode(state, account, node, options.log);
  for (const node of allNodes(state)) ensureDatabase(state, account, node);
  await startPooler(state, account, options);
  writeState(state);
  return state;
}

/** PgBouncer's binary, on PATH or where Debian installs it; null when it is not installed. */
export function findPgBouncer(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir && existsSync(path.join(dir, 'pgbouncer'))) return path.join(dir, 'pgbouncer');
  }
  return null;
}

/** The coordinator connections PgBouncer opens for one database: the bound the functions stay within. */
export const POOLER_POOL_SIZE = 16;

function poolerFiles(state: Pick<ClusterState, 'dir'>) {
  const dir = path.join(state.dir, 'pgbouncer');
  return {
    dir,
    ini: path.join(dir, 'pgbouncer.ini'),
    users: path.join(dir, 'userlist.txt'),
    pid: path.join(dir, 'pgbouncer.pid'),
    log: path.join(state.dir, 'logs', 'pgbouncer.log'),
  };
}

/**
 * PgBouncer's configuration: transaction pooling in front of the coordinator for every
 * database on it. The functions' per-session bounds (statement timeout, Citus's connection
 * timeout to a worker) cannot travel as startup parameters through a transaction pooler,
 * so PgBouncer sets them on each server connection it opens instead, and ignores the
 * client's.
 */
function poolerConfig(state: ClusterState, port: number): string {
  const files = poolerFiles(state);
  const bounds = databaseSection
    .pick({ DB_STATEMENT_TIMEOUT_MS: true, DB_NODE_CONNECT_TIMEOUT_MS: true })
    .parse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
  const connectQuery =
    `SET statement_timeout = ${bounds.DB_STATEMENT_TIMEOUT_MS}; ` +
    `SET citus.node_connection_timeout = ${bounds.DB_NODE_CONNECT_TIMEOUT_MS}`;
  return `${[
    '; written by DistribuShop infra/local-cluster.ts',
    '[databases]',
    `* = host=${state.coordinator.host} port=${state.coordinator.port} connect_query='${connectQuery}'`,
    '',
    '[pgbouncer]',
    `listen_addr = ${HOST}`,
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${files.users}`,
    'pool_mode = transaction',
    'max_client_conn = 4000',
    `default_pool_size = ${POOLER_POOL_SIZE}`,
    `max_db_connections = ${POOLER_POOL_SIZE}`,
    'reserve_pool_size = 0',
    'server_idle_timeout = 60',
    'ignore_startup_parameters = extra_float_digits,options,statement_timeout',
    `admin_users = ${SUPERUSER}`,
    // A function instance connects once and stays: a line per connection is noise at scale.
    'log_connections = 0',
    'log_disconnections = 0',
    `logfile = ${files.log}`,
    `pidfile = ${files.pid}`,
  ].join('\n')}\n`;
}

function poolerPid(state: Pick<ClusterState, 'dir'>): number | null {
  const file = poolerFiles(state).pid;
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function startPooler(state: ClusterState, account: RunAs, options: ClusterOptions): Promise<void> {
  const mode = options.pooler ?? 'auto';
  const binary = mode === 'off' ? null : findPgBouncer();
  if (!binary) {
    if (mode === 'on')
      throw new Error('CLUSTER_POOLER=on but PgBouncer is not installed (Debian: apt-get install pgbouncer)');
    state.pooler = null;
    state.poolerNote =
      mode === 'off'
        ? 'CLUSTER_POOLER=off: the functions connect to the coordinator directly'
        : 'PgBouncer is not installed (Debian: apt-get install pgbouncer): the functions connect to the coordinator directly';
    return;
  }
  if (poolerPid(state) !== null && state.pooler) return;
  let port = state.pooler?.port ?? options.poolerPort;
  if (port === undefined) {
    port = options.port === 0 ? await findFreePortRange(1) : state.coordinator.port - 1;
  }
  if (!(await portIsFree(port))) {
    throw new Error(`Port ${port} for PgBouncer is taken by another process; set CLUSTER_POOLER_PORT`);
  }
  const files = poolerFiles(state);
  mkdirSync(files.dir, { recursive: true });
  writeFileSync(files.ini, poolerConfig(state, port));
  writeFileSync(files.users, `"${SUPERUSER}" ""\n`);
  if (account.uid !== undefined && account.gid !== undefined) {
    for (const file of [files.dir, files.ini, files.users]) chownSync(file, account.uid, account.gid);
  }
  options.log(
    `start pgbouncer on ${HOST}:${port} (transaction pooling, ${POOLER_POOL_SIZE} coordinator connections)`,
  );
  run(account, binary, ['-d', '-q', files.ini]);
  state.pooler = { name: 'pgbouncer', host: HOST, port };
  state.poolerNote = undefined;
  for (let waited = 0; waited < 5000 && (await portIsFree(port)); waited += 50) await sleep(50);
}

function stopPooler(state: ClusterState, log?: (l: string) => void): void {
  const pid = poolerPid(state);
  if (pid === null) return;
  log?.('stop pgbouncer');
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 5000 && poolerPid(state) !== null; waited += 50) sleepSync(50);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The functions' connection URL: PgBouncer's when the cluster has one, else the coordinator's. */
export function functionsDatabaseUrl(state: ClusterState): string {
  if (!state.pooler) return databaseUrl(state);
  return `postgres://${SUPERUSER}@${state.pooler.host}:${state.pooler.port}/${state.database}`;
}

/** Stops every node; with `destroy`, deletes the cluster's directory too. */
export function stopCluster(dir: string, opts: { destroy?: boolean; log?: (l: string) => void } = {}): void {
  const state = readState(dir);
  if (state) {
    stopPooler(state, opts.log);
    const account = serverAccount();
    for (const node of [...state.workers, state.coordinator]) {
      if (!isRunning(state, account, node)) continue;
      opts.log?.(`stop ${node.name}`);
      // A frozen node would never finish a fast shutdown.
      signalNode(dir, node.name, 'SIGCONT');
      stopNode(state, account, node);
    }
  }
  if (opts.destroy) rmSync(dir, { recursive: true, force: true });
}

function writeState(state: ClusterState): void {
  writeFileSync(path.join(state.dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

function requireState(dir: string): ClusterState {
  const state = readState(dir);
  if (!state) throw new Error(`no cluster in ${dir} (npm run cluster -- start)`);
  return state;
}

function findNode(state: ClusterState, name: string): NodeAddress {
  const node = allNodes(state).find((n) => n.name === name);
  if (!node) {
    throw new Error(
      `no node named "${name}"; the nodes are ${allNodes(state)
        .map((n) => n.name)
        .join(', ')}`,
    );
  }
  return node;
}

function stopNode(state: ClusterState, account: RunAs, node: NodeAddress): void {
  if (!isRunning(state, account, node)) return;
  run(account, path.join(state.pgBin, 'pg_ctl'), ['stop', '-D', nodeDir(state, node), '-m', 'fast', '-w']);
}

/**
 * Starts one more worker (the next name, the first free port after the others), with the
 * database and extension every node has. Registering it and moving shards onto it is
 * setup's job, as for any worker.
 */
export async function addWorker(dir: string, opts: { fast?: boolean; log?: (l: string) => void } = {}) {
  const state = requireState(dir);
  if (!state.citus) throw new Error('the local cluster is plain PostgreSQL (no Citus): it has no workers');
  const account = serverAccount();
  const taken = allNodes(state).map((n) => n.port);
  let port = Math.max(...taken) + 1;
  while (!(await portIsFree(port))) port += 1;
  const numbers = state.workers.map((w) => Number(/(\d+)$/.exec(w.name)?.[1] ?? 0));
  const node: NodeAddress = { name: `worker${Math.max(0, ...numbers) + 1}`, host: HOST, port };
  const log = opts.log ?? (() => {});
  initNode(state, account, node, opts.fast ?? false, log);
  state.workers.push(node);
  writeState(state);
  startNode(state, account, node, log);
  ensureDatabase(state, account, node);
  return { state, node };
}

/** Stops one node by name (`worker2`, `coordinator`); its data stays. */
export function stopNodeByName(dir: string, name: string): NodeAddress {
  const state = requireState(dir);
  const node = findNode(state, name);
  stopNode(state, serverAccount(), node);
  return node;
}

/** Starts one stopped node by name. */
export function startNodeByName(dir: string, name: string): NodeAddress {
  const state = requireState(dir);
  const node = findNode(state, name);
  startNode(state, serverAccount(), node, () => {});
  return node;
}

/**
 * Restarts a node on another port, as a host that comes back under a new address would:
 * its data is the same server's, but what the coordinator registered no longer reaches it.
 */
export function moveNode(dir: string, name: string, port: number): NodeAddress {
  const state = requireState(dir);
  const node = findNode(state, name);
  const account = serverAccount();
  stopNode(state, account, node);
  const conf = path.join(nodeDir(state, node), 'postgresql.auto.conf');
  writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^port = '?\d+'?$/m, `port = ${port}`));
  node.port = port;
  writeState(state);
  startNode(state, account, node, () => {});
  return node;
}

/** The process ids of a running node: its postmaster and every backend and worker process under it. */
export function nodeProcessIds(dir: string, name: string): number[] {
  const state = requireState(dir);
  const node = findNode(state, name);
  const pidFile = path.join(nodeDir(state, node), 'postmaster.pid');
  if (!existsSync(pidFile)) return [];
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // The parent pid is the 4th field, after the command in parentheses.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/**
 * Freezes (SIGSTOP) or thaws (SIGCONT) every process of a node: a hung host, which
 * accepts connections and never answers, unlike a stopped one, which refuses them.
 */
export function signalNode(dir: string, name: string, signal: 'SIGSTOP' | 'SIGCONT'): number[] {
  const pids = nodeProcessIds(dir, name);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // a backend that just ended
    }
  }
  return pids;
}

export function clusterStatus(dir: string): { state: ClusterState; nodes: NodeStatus[] } | null {
  const state = readState(dir);
  if (!state) return null;
  const account = serverAccount();
  return { state, nodes: allNodes(state).map((n) => ({ ...n, running: isRunning(state, account, n) })) };
}

/** The coordinator's connection URL: what the app's `DATABASE_URL` should be. */
export function databaseUrl(state: ClusterState): string {
  return `postgres://${SUPERUSER}@${state.coordinator.host}:${state.coordinator.port}/${state.database}`;
}

/** The workers as `host:port,host:port`: what setup's `WORKER_HOSTS` should be. */
export function workerHosts(state: ClusterState): string {
  return state.workers.map((w) => `${w.host}:${w.port}`).join(',');
}

/** One line on how the functions reach the coordinator. */
export function describePooler(state: ClusterState): string {
  if (state.pooler) {
    return `PgBouncer on ${state.pooler.host}:${state.pooler.port} (transaction pooling, at most ${POOLER_POOL_SIZE} coordinator connections per database): the functions use ${functionsDatabaseUrl(state)}`;
  }
  return `NO POOLER: ${state.poolerNote ?? 'PgBouncer is not running'}`;
}

export function describeCluster(state: ClusterState): string {
  if (!state.citus) {
    return (
      `UNDISTRIBUTED: Citus is not installed for PostgreSQL ${state.pgVersion} (${state.pgBin}); ` +
      `one plain PostgreSQL node on ${state.coordinator.host}:${state.coordinator.port}. ` +
      `The schema is applied undistributed and the Citus-only checks are skipped.\n${describePooler(state)}`
    );
  }
  return (
    `Citus ${state.citusVersion} on PostgreSQL ${state.pgVersion}: coordinator ${state.coordinator.host}:${state.coordinator.port}, ` +
    `${state.workers.length} workers on ports ${state.workers.map((w) => w.port).join(', ')}\n${describePooler(state)}`
  );
}
