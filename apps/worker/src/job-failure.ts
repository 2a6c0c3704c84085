import { AppError, isAppError } from '@fluxquery/errors';
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

/**
 * A failed export, logged: a fault of our own (INTERNAL) at error level with its stack, since it
 * is a bug to fix, and a refused seal too, since it is an attack or a misconfiguration (two
 * JOB_SEAL_SECRETs) an operator must see; anything else as a warning.
 */
export function logExportFailure(logger: Logger, error: unknown): AppError {
  const appError = isAppError(error)
    ? error
    : new AppError('INTERNAL', 'the export failed unexpectedly', { cause: error });
  const isBug = appError.code === 'INTERNAL' || appError.code === 'JOB_SEAL_INVALID';
  const cause = appError.cause;
  logger[isBug ? 'error' : 'warn']('export.failed', {
    code: appError.code,
    reason: appError.message,
    retryable: appError.retryable,
    cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined,
    ...(isBug && cause instanceof Error ? { stack: cause.stack } : {}),
  });
  return appError;
}
