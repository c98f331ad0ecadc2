/**
 * One node: a PostgreSQL server with its own data directory under the cluster's, made
 * with initdb, started and stopped with pg_ctl as the servers' account, and given the
 * cluster's database (and the citus extension in it, on a Citus cluster).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { giveTo, runAs, type ServerAccount } from './account';
import { psqlBinary } from './binaries';
import { LOOPBACK } from './ports';
import { type ClusterState, type NodeAddress, SUPERUSER } from './state';

type Log = (line: string) => void;

export function nodeDir(state: Pick<ClusterState, 'dir'>, node: NodeAddress): string {
  return path.join(state.dir, node.name);
}

const pgCtl = (state: Pick<ClusterState, 'pgBin'>) => path.join(state.pgBin, 'pg_ctl');

export async function nodeRunning(state: ClusterState, account: ServerAccount, node: NodeAddress) {
  const dataDir = nodeDir(state, node);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
  const status = await runAs(account, pgCtl(state), ['status', '-D', dataDir], { allowFail: true });
  return status.status === 0;
}

function nodeConfig(state: ClusterState, node: NodeAddress, fast: boolean): string {
  const lines = [
    '# written by DistribuShop infra/local-cluster/nodes.ts',
    `port = ${node.port}`,
    `listen_addresses = '${LOOPBACK}'`,
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

/** initdb for a node that has no data directory yet; a node that has one is left as it is. */
export async function initNode(
  state: ClusterState,
  account: ServerAccount,
  node: NodeAddress,
  fast: boolean,
  log: Log,
): Promise<void> {
  const dataDir = nodeDir(state, node);
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  log(`initdb ${node.name} (${dataDir})`);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await giveTo(account, dataDir);
  await runAs(account, path.join(state.pgBin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    SUPERUSER,
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-instructions',
  ]);
  const conf = path.join(dataDir, 'postgresql.auto.conf');
  await writeFile(conf, nodeConfig(state, node, fast));
  await giveTo(account, conf);
}

/** Starts a node unless it runs, and waits until it accepts connections. */
export async function startNode(
  state: ClusterState,
  account: ServerAccount,
  node: NodeAddress,
  log: Log,
): Promise<void> {
  if (await nodeRunning(state, account, node)) return;
  log(`start ${node.name} on ${node.host}:${node.port}`);
  const logFile = path.join(state.dir, 'logs', `${node.name}.log`);
  await runAs(account, pgCtl(state), ['start', '-D', nodeDir(state, node), '-l', logFile, '-w', '-t', '60'], {
    home: state.dir,
  });
}

/** Stops a running node (fast shutdown: connections are ended) and waits until it is down. */
export async function stopNode(state: ClusterState, account: ServerAccount, node: NodeAddress) {
  if (!(await nodeRunning(state, account, node))) return;
  await runAs(account, pgCtl(state), ['stop', '-D', nodeDir(state, node), '-m', 'fast', '-w', '-t', '60']);
}

/** Makes a stopped node listen on `port` from its next start. */
export async function setNodePort(state: ClusterState, node: NodeAddress, port: number): Promise<void> {
  const conf = path.join(nodeDir(state, node), 'postgresql.auto.conf');
  await writeFile(conf, (await readFile(conf, 'utf8')).replace(/^port = '?\d+'?$/m, `port = ${port}`));
}

/** One statement on a node's database as the superuser; its output, trimmed. Throws when it fails. */
export async function psql(
  state: ClusterState,
  account: ServerAccount,
  node: NodeAddress,
  db: string,
  sql: string,
) {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-tA', '-h', node.host, '-p', String(node.port)];
  const result = await runAs(account, psqlBinary(state.pgBin), [
    ...args,
    '-U',
    SUPERUSER,
    '-d',
    db,
    '-c',
    sql,
  ]);
  return result.stdout.trim();
}

/** The cluster's database on a node, with the citus extension in it on a Citus cluster. */
export async function ensureDatabase(state: ClusterState, account: ServerAccount, node: NodeAddress) {
  const exists = await psql(
    state,
    account,
    node,
    'postgres',
    `SELECT 1 FROM pg_database WHERE datname = '${state.database}'`,
  );
  if (exists !== '1') await psql(state, account, node, 'postgres', `CREATE DATABASE "${state.database}"`);
  if (state.citus) await psql(state, account, node, state.database, 'CREATE EXTENSION IF NOT EXISTS citus');
}
