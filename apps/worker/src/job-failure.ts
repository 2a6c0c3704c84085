import { isAppError, type AppError } from '@fluxquery/errors';
import type { Logger } from '@fluxquery/logger';
import type { WorkerMetrics } from '@fluxquery/metrics';
import { formatFailure } from '@fluxquery/job-status';
import { UnrecoverableError } from 'bullmq';

/**
 * What a processor throws for BullMQ: the reason carries the code in front (Bull Board shows it,
 * the status splits it back out), and a permanent failure is not retried.
 */
export function toJobFailure(error: AppError): Error {
  const reason = formatFailure(error.code, error.message);
  return error.retryable ? new Error(reason) : new UnrecoverableError(reason);
}

/**
 * The end of a failed delivery (an email or a webhook): an unexpected error becomes the job's own
 * retryable code, the failure is logged (a refused seal at error level: an operator must see it)
 * and counted, and BullMQ gets what toJobFailure makes of it.
 */
export function failDelivery(
  error: unknown,
  unexpected: (cause: unknown) => AppError,
  report: { logger: Logger; metrics?: WorkerMetrics | undefined; event: string; method: string },
): Error {
  const appError = isAppError(error) ? error : unexpected(error);
  report.logger[appError.code === 'JOB_SEAL_INVALID' ? 'error' : 'warn'](report.event, {
    code: appError.code,
    reason: appError.message,
    retryable: appError.retryable,
  });
  report.metrics?.deliveries.inc({ outcome: 'failed', method: report.method });
  return toJobFailure(appError);
}
