/**
 * The three levels a scenario is measured at, on the same data:
 *   ceiling     pgbench sends the handler's SQL straight to the coordinator (-M extended:
 *               bound parameters, as node-postgres sends them);
 *   in-process  the exported handlers invoked with API Gateway events, as Lambda does,
 *               one connection per concurrent client (each stands for a function instance);
 *   http        serverless-offline serving the functions, driven by autocannon.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { routes } from '../../lib/http/routes';
import { type Offline, startOffline } from '../support/offline';
import { runProcess } from '../support/process';
import { withDatabase } from '../support/throwaway-cluster';
import type { InProcessJob, InProcessMessage, InProcessResult } from './in-process-worker';
import {
  expectedStatuses,
  type PgbenchScript,
  pathOf,
  requests,
  type ScenarioName,
  type Shape,
  type Workload,
} from './scenarios';
import { type Measurement, Recorder } from './stats';

export const LEVELS = ['ceiling', 'in-process', 'http'] as const;
export type Level = (typeof LEVELS)[number];

export interface Run {
  shape: Shape;
  /** Company c's secret key is keys[c - 1] (test/bench/keys.ts). */
  keys: string[];
  durationS: number;
  warmupS: number;
  concurrency: number;
  /** The coordinator, direct: the ceiling's target and where connections are counted. */
  coordinatorUrl: string;
  /**
   * Threads of the in-process level. One by default: on a small machine a second thread
   * of handlers takes the CPU the database needs (measured: 72 % of the ceiling with one,
   * 30–45 % with two, on 2 cores).
   */
  threads: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Client connections to the coordinator's database now, this session excluded. */
export async function coordinatorConnections(url: string): Promise<number | null> {
  const client = new Client({ connectionString: url, application_name: 'distribushop-bench-monitor' });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    return rows[0]?.n ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The sessions the workers' databases have seen start, summed: read before and after a window. */
export interface WorkerSessions {
  read(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A session on each worker's copy of the coordinator's database, open until `close()`, so
 * that reading adds no session of its own; null on plain PostgreSQL (no workers).
 */
export async function openWorkerSessions(url: string): Promise<WorkerSessions | null> {
  const coordinator = new Client({ connectionString: url, application_name: 'distribushop-bench-monitor' });
  let nodes: { host: string; port: number }[];
  try {
    await coordinator.connect();
    nodes = (
      await coordinator.query<{ host: string; port: number }>(
        `SELECT nodename AS host, nodeport AS port FROM pg_dist_node
          WHERE groupid <> 0 AND noderole = 'primary' AND isactive ORDER BY nodeid`,
      )
    ).rows;
  } catch {
    return null;
  } finally {
    await coordinator.end().catch(() => {});
  }
  if (nodes.length === 0) return null;
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const clients = nodes.map(
    (n) =>
      new Client({
        connectionString: withDatabase(url, database, n.host, n.port),
        application_name: 'distribushop-bench-monitor',
      }),
  );
  // A backend reports its own session when it first goes idle: after this, it is counted.
  await Promise.all(clients.map(async (c) => c.connect().then(() => c.query('SELECT 1'))));
  return {
    async read() {
      let sum = 0;
      for (const client of clients) {
        const { rows } = await client.query<{ n: string }>(
          'SELECT sessions::text AS n FROM pg_stat_database WHERE datname = current_database()',
        );
        sum += Number(rows[0]?.n ?? 0);
      }
      return sum;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
    },
  };
}

/** Counts the coordinator's connections just before the measured window ends. */
function countNearEnd(run: Run): Promise<number | null> {
  return sleep(Math.max(0, run.durationS * 1000 - 500)).then(() =>
    coordinatorConnections(run.coordinatorUrl),
  );
}

/**
 * The ceiling: pgbench with the scenario's scripts against the coordinator, one run of
 * warm-up and window together (so that the window starts with its connections made, as the
 * other levels' do), each transaction counted by when it completed.
 */
export async function runCeiling(run: Run, scripts: PgbenchScript[]): Promise<Measurement> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-pgbench-'));
  const sessions = await openWorkerSessions(run.coordinatorUrl);
  try {
    const files = scripts.map((script) => {
      const file = path.join(dir, `${script.name}.sql`);
      writeFileSync(file, script.text);
      return `${file}@${script.weight}`;
    });
    const started = Date.now();
    const windowStart = started + run.warmupS * 1000;
    const windowEnd = windowStart + run.durationS * 1000;
    const before = sleep(run.warmupS * 1000).then(() => sessions?.read() ?? null);
    const connections = sleep(run.warmupS * 1000).then(() => countNearEnd(run));
    const result = await runProcess('pgbench', [
      '--no-vacuum',
      '--protocol=extended',
      `--client=${run.concurrency}`,
      `--jobs=${Math.min(run.concurrency, 2)}`,
      `--define=companies=${run.shape.companies}`,
      `--define=products=${run.shape.productsPerCompany}`,
      `--define=customers=${run.shape.customersPerCompany}`,
      ...files.flatMap((f) => ['--file', f]),
      `--time=${run.warmupS + run.durationS}`,
      '--log',
      `--log-prefix=${path.join(dir, 'tx')}`,
      run.coordinatorUrl,
    ]);
    const after = sessions ? await sessions.read() : null;
    const recorder = new Recorder();
    for (const file of readdirSync(dir).filter((f) => f.startsWith('tx.'))) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        // client_id transaction_no time_us script_no time_epoch time_us_fraction (when it completed)
        const fields = line.split(' ');
        if (fields.length < 6) continue;
        const completed = Number(fields[4]) * 1000 + Number(fields[5]) / 1000;
        if (completed < windowStart || completed > windowEnd) continue;
        recorder.record(Number(fields[2]) / 1000, 'ok', scripts[Number(fields[3])]?.label);
      }
    }
    const aborted = /client \d+ aborted[^\n]*/.exec(result.stderr)?.[0];
    const failed = (result.stdout.match(/number of failed transactions: (\d+)/) ?? [])[1];
    const note = [
      result.code !== 0 ? `pgbench exited ${result.code}` : '',
      aborted ? `pgbench: ${aborted}` : '',
      failed && failed !== '0' ? `${failed} failed transactions` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const measured = recorder.done(run.durationS, new Set(), await connections, note || undefined);
    if (aborted) measured.errors += 1;
    const first = await before;
    measured.workerSessions = first === null || after === null ? null : after - first;
    return measured;
  } finally {
    await sessions?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * In-process: the clients, spread over `run.threads` threads, each invoking the
 * exported handlers with API Gateway v2 events one request at a time, as a function
 * instance does (test/bench/in-process-worker.ts). Each thread's pool has one connection
 * per client it runs: each client stands for a function instance with its one connection.
 */
export async function runInProcess(
  run: Run,
  scenario: ScenarioName,
  workload: Workload,
): Promise<Measurement> {
  const threads = Math.min(run.concurrency, run.threads);
  const clients = Array.from({ length: run.concurrency }, (_, i) => i);
  const shares = Array.from({ length: threads }, (_, t) => clients.filter((c) => c % threads === t));
  const connections = sleep((run.warmupS + run.durationS) * 1000 - 500).then(() =>
    coordinatorConnections(run.coordinatorUrl),
  );
  const sessions = await openWorkerSessions(run.coordinatorUrl);
  // Read when the first thread ends its warm-up (they end it together).
  let before: Promise<number | null> | undefined;
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<InProcessResult>((resolve, reject) => {
          const job: InProcessJob = {
            scenario,
            workload,
            shape: run.shape,
            keys: run.keys,
            clients: share,
            warmupS: run.warmupS,
            durationS: run.durationS,
          };
          // The thread compiles the TypeScript sources as this process does (tsx).
          const entry = JSON.stringify(path.join(__dirname, 'in-process-worker.ts'));
          const worker = new Worker(`require('tsx/cjs/api').register(); require(${entry});`, {
            eval: true,
            workerData: job,
            env: { ...process.env, DB_POOL_MAX: String(share.length) },
          });
          worker.on('message', (message: InProcessMessage) => {
            if (message.kind === 'warm') {
              before ??= sessions?.read() ?? Promise.resolve(null);
              return;
            }
            resolve(message.result);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  const after = sessions ? await sessions.read() : null;
  await sessions?.close();
  const recorder = new Recorder();
  for (const result of results) {
    result.latencies.forEach((latency, i) => {
      const status = result.statuses[i] ?? 0;
      const group = result.groups[i];
      recorder.record(latency, status, group ? `${group} ${status}` : String(status));
    });
  }
  const seconds = Math.max(...results.map((r) => r.seconds));
  const measured = recorder.done(seconds, expectedStatuses(scenario), await connections);
  const first = before ? await before : null;
  measured.workerSessions = first === null || after === null ? null : after - first;
  return measured;
}

export type OfflineMode = 'worker-threads' | 'in-process';

/** serverless-offline serving the functions, as `npm start` does, in the given mode. */
export async function startBenchOffline(mode: OfflineMode, env: NodeJS.ProcessEnv): Promise<Offline> {
  return startOffline(env, mode === 'in-process' ? ['--useInProcess'] : []);
}

/** Over HTTP: autocannon with `connections` clients, each sending its next request when answered. */
export async function runHttp(
  run: Run,
  scenario: ScenarioName,
  workload: Workload,
  offline: Offline,
  connections = run.concurrency,
): Promise<Measurement> {
  const expected = expectedStatuses(scenario);
  const drive = (seconds: number, recorder: Recorder | null) => {
    const next = requests(scenario, run.shape, run.keys, 2000 + Math.floor(Math.random() * 1000), workload);
    return new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: offline.url,
          connections,
          duration: seconds,
          timeout: 30,
          requests: [
            {
              setupRequest: (request) => {
                const r = next();
                return {
                  ...request,
                  method: r.method,
                  path: pathOf(r, routes[r.route].path),
                  headers: { ...(r.headers ?? {}) },
                  body: r.body === undefined ? undefined : JSON.stringify(r.body),
                };
              },
            },
          ],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      instance.on('response', (_client, statusCode, _bytes, responseTime) =>
        recorder?.record(responseTime, statusCode, String(statusCode)),
      );
    });
  };
  if (run.warmupS > 0) await drive(run.warmupS, null);
  const sessions = await openWorkerSessions(run.coordinatorUrl);
  const before = sessions ? await sessions.read() : null;
  const recorder = new Recorder();
  const counted = countNearEnd(run);
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await coordinatorConnections(run.coordinatorUrl)) ?? 0);
      await sleep(500);
    }
  })();
  const started = performance.now();
  const result = await drive(run.durationS, recorder).finally(() => {
    sampling = false;
  });
  await sampler;
  const seconds = (performance.now() - started) / 1000;
  const after = sessions ? await sessions.read() : null;
  await sessions?.close();
  // autocannon counts a timeout as an error too.
  const failures = result.errors;
  const measured = recorder.done(
    seconds,
    expected,
    await counted,
    failures > 0 ? `${result.errors} socket errors, ${result.timeouts} of them timeouts (30 s)` : undefined,
  );
  measured.errors += failures;
  measured.coordinatorConnectionsPeak = peak;
  measured.workerSessions = before === null || after === null ? null : after - before;
  return measured;
}
