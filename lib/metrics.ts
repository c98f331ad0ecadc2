/**
 * Metrics through Powertools for AWS Lambda's Metrics, in CloudWatch's embedded metric
 * format: JSON lines on stdout that CloudWatch Logs turns into metrics, with no call to
 * CloudWatch's API on the request path. The handler stack (lib/http/handler.ts) records,
 * per request, the database time and its outcome, and flushes once when the request ends:
 *
 *   ColdStart        the first request of an instance (Powertools' own, by function)
 *   DatabaseTime     milliseconds spent in database statements by the request (by route)
 *   OrdersPlaced     orders placed (201; a replay is not counted again)
 *   OrdersRefused    orders refused, by reason: the problem type (insufficient-stock, …)
 *   Unavailable      503 answers, by cause: worker, timeout, database, operator-token
 *
 * Which routes count their outcomes, and under which names, the route table says
 * (`counted` in lib/http/routes.ts).
 *
 * POWERTOOLS_METRICS_DISABLED=true turns the lines off (npm start does, to keep its
 * output to the request log); POWERTOOLS_METRICS_NAMESPACE overrides the namespace.
 * Dimensions are a route's name, a reason or a cause: never an id, a key or a value.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SERVICE_NAME } from './log';

/**
 * The metrics of one route's function, every metric with the route's name as a dimension.
 * Each function serves one route, so an instance has one of these; a default dimension
 * (not one added per request) lets requests that share a process, as in the tests and the
 * benchmark, record side by side.
 */
export function routeMetrics(route: string): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'DistribuShop',
    serviceName: SERVICE_NAME,
    defaultDimensions: { route },
  });
}

/**
 * Database time of the request this instance is serving. An instance serves one request at
 * a time on Lambda (and under serverless-offline), so one counter is the request's.
 */
let databaseMs = 0;

/** Called by the database module for every statement it times. */
export function addDatabaseTime(ms: number): void {
  databaseMs += ms;
}

/** The database time since the last call, and starts counting again. */
export function takeDatabaseTime(): number {
  const ms = databaseMs;
  databaseMs = 0;
  return ms;
}

/** One count of `name` with a dimension of its own besides the route, written at once. */
function countBy(metrics: Metrics, name: string, dimension: string, value: string): void {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

export const record = {
  databaseTime: (metrics: Metrics, ms: number) =>
    metrics.addMetric('DatabaseTime', MetricUnit.Milliseconds, ms),
  /** One of a route's outcomes (`OrdersPlaced`). */
  count: (metrics: Metrics, name: string) => metrics.addMetric(name, MetricUnit.Count, 1),
  countBy,
  unavailable: (metrics: Metrics, cause: string) => countBy(metrics, 'Unavailable', 'cause', cause),
};
