/**
 * Breaking one node on purpose, as the operations and lifecycle tests and
 * `npm run cluster -- stop-node | start-node | freeze | thaw` do: a node that is down
 * (refuses connections), a hung host (accepts them and never answers), and a host that
 * comes back under another address.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { serverAccount } from './account';
import { nodeDir, setNodePort, startNode, stopNode } from './nodes';
import { findNode, type NodeAddress, requireState, writeState } from './state';

async function located(dir: string, name: string) {
  const state = await requireState(dir);
  return { state, node: findNode(state, name), account: await serverAccount(state.user) };
}

/** Stops one node by name (`worker2`, `coordinator`) and waits until it is down; its data stays. */
export async function stopNodeByName(dir: string, name: string): Promise<NodeAddress> {
  const { state, node, account } = await located(dir, name);
  await stopNode(state, account, node);
  return node;
}

/** Starts one stopped node by name and waits until it accepts connections. */
export async function startNodeByName(dir: string, name: string): Promise<NodeAddress> {
  const { state, node, account } = await located(dir, name);
  await startNode(state, account, node, () => {});
  return node;
}

/**
 * Restarts a node on another port, as a host that comes back under a new address would:
 * its data is the same server's, but what the coordinator registered no longer reaches it.
 */
export async function moveNode(dir: string, name: string, port: number): Promise<NodeAddress> {
  const { state, node, account } = await located(dir, name);
  await stopNode(state, account, node);
  await setNodePort(state, node, port);
  node.port = port;
  await writeState(state);
  await startNode(state, account, node, () => {});
  return node;
}

/** The process ids of a running node: its postmaster and every backend and worker process under it. */
async function nodeProcessIds(dir: string, name: string): Promise<number[]> {
  const state = await requireState(dir);
  const pidFile = path.join(nodeDir(state, findNode(state, name)), 'postmaster.pid');
  let postmaster: number;
  try {
    postmaster = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  } catch {
    return []; // not running (the server removes its pid file as it stops)
  }
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // The parent pid is the 4th field, after the command in parentheses.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster)
        children.push(Number(entry));
    } catch {
      // a process that just ended
    }
  }
  return [postmaster, ...children];
}

async function signalNode(dir: string, name: string, signal: 'SIGSTOP' | 'SIGCONT'): Promise<number[]> {
  const pids = await nodeProcessIds(dir, name);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // a backend that just ended
    }
  }
  return pids;
}

/** Freezes every process of a node (SIGSTOP): a hung host, which keeps its sockets and answers nothing. */
export function freezeNode(dir: string, name: string): Promise<number[]> {
  return signalNode(dir, name, 'SIGSTOP');
}

/** Thaws a frozen node (SIGCONT). */
export function thawNode(dir: string, name: string): Promise<number[]> {
  return signalNode(dir, name, 'SIGCONT');
}
