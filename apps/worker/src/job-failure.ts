import type { AppError } from '@fluxquery/errors';
import { formatFailure } from '@fluxquery/export-job';
import { UnrecoverableError } from 'bullmq';

/**
 * What a processor throws for BullMQ: the reason carries the code in front (Bull Board shows it,
 * the status splits it back out), and a permanent failure is not retried.
 */
export function toJobFailure(error: AppError): Error {
  const reason = formatFailure(error.code, error.message);
  return error.retryable ? new Error(reason) : new UnrecoverableError(reason);
}
