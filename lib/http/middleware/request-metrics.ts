/**
 * The request's metrics (lib/metrics.ts): its database time, and what it came to when the
 * route counts its outcomes (an order placed, or refused and why), or a 503 and its cause.
 * Recorded after the error handler has chosen the status, and flushed by Powertools'
 * logMetrics, registered before this so that it runs after.
 */

import type { Metrics } from '@aws-lambda-powertools/metrics';
import { AppError, ServiceUnavailableError } from '../../errors';
import { record, takeDatabaseTime } from '../../metrics';
import type { RouteSpec } from '../route-spec';
import type { HttpMiddleware, HttpMiddy } from './types';

export const requestMetrics = (route: RouteSpec, metrics: Metrics): HttpMiddleware => {
  const finish = async (request: HttpMiddy) => {
    record.databaseTime(metrics, takeDatabaseTime());
    const status = request.response?.statusCode ?? 500;
    const error = request.error;
    if (error instanceof ServiceUnavailableError) record.unavailable(metrics, error.reason);
    const counted = route.counted;
    if (!counted) return;
    if (status === counted.status) record.count(metrics, counted.done);
    else if (status >= 400 && status < 500 && error instanceof AppError) {
      record.countBy(metrics, counted.refused, 'reason', error.type);
    }
  };
  return {
    before: async () => {
      takeDatabaseTime();
    },
    after: finish,
    onError: finish,
  };
};
