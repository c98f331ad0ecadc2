/**
 * One thread of the in-process level: its share of the concurrent clients, each invoking
 * the exported handlers with API Gateway events one request at a time, as a function
 * instance does, apart from the benchmark's own bookkeeping.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handler as listCampaigns } from '../../functions/campaigns/list';
import { handler as placeOrder } from '../../functions/orders/place';
import { handler as getProduct } from '../../functions/products/get';
import { handler as listProducts } from '../../functions/products/list';
import { closeDb } from '../../lib/db';
import { routes } from '../../lib/http/routes';
import { context, httpEvent } from '../support/lambda';
import { type BenchRequest, requests, type ScenarioName, type Shape, type Workload } from './scenarios';

export interface InProcessJob {
  scenario: ScenarioName;
  workload: Workload;
  shape: Shape;
  /** Company c's secret key is keys[c - 1]. */
  keys: string[];
  clients: number[];
  warmupS: number;
  durationS: number;
}

export interface InProcessResult {
  latencies: number[];
  statuses: number[];
  /** The flash sale's group of each request (BenchRequest.group), or undefined. */
  groups: (string | undefined)[];
  seconds: number;
}

/** What the thread tells the benchmark: its warm-up has ended, then its result. */
export type InProcessMessage = { kind: 'warm' } | { kind: 'done'; result: InProcessResult };

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const handlers: Record<BenchRequest['route'], Handler> = {
  getProduct: getProduct as Handler,
  listProducts: listProducts as Handler,
  listCampaigns: listCampaigns as Handler,
  placeOrder: placeOrder as Handler,
};

async function runJob(job: InProcessJob): Promise<InProcessResult> {
  const latencies: number[] = [];
  const statuses: number[] = [];
  const groups: (string | undefined)[] = [];
  const loop = async (client: number, until: number, record: boolean) => {
    const next = requests(job.scenario, job.shape, job.keys, 1000 + client, job.workload);
    while (performance.now() < until) {
      const request = next();
      const event = httpEvent(routes[request.route], {
        params: request.params,
        query: request.query,
        headers: request.headers,
        body: request.body,
      });
      const started = performance.now();
      let status: number;
      try {
        status = (await handlers[request.route](event, context)).statusCode ?? 0;
      } catch {
        status = 0;
      }
      if (record) {
        latencies.push(performance.now() - started);
        statuses.push(status);
        groups.push(request.group);
      }
    }
  };
  if (job.warmupS > 0) {
    const until = performance.now() + job.warmupS * 1000;
    await Promise.all(job.clients.map((c) => loop(c, until, false)));
  }
  parentPort?.postMessage({ kind: 'warm' } satisfies InProcessMessage);
  const started = performance.now();
  const until = started + job.durationS * 1000;
  await Promise.all(job.clients.map((c) => loop(c, until, true)));
  const seconds = (performance.now() - started) / 1000;
  await closeDb();
  return { latencies, statuses, groups, seconds };
}

runJob(workerData as InProcessJob).then(
  (result) => parentPort?.postMessage({ kind: 'done', result } satisfies InProcessMessage),
  (error: unknown) => {
    throw error;
  },
);
