import { AppError, isAppError } from '@fluxquery/errors';
import {
  formatFailure,
  parseExportJobData,
  type ExportJobData,
  type ExportJobResult,
  type EXPORT_JOB_NAME,
} from '@fluxquery/export-job';
import { UnrecoverableError, type Job } from 'bullmq';
import { runExport, type ExportDeps } from './run-export';

export type ExportJob = Job<ExportJobData, ExportJobResult, typeof EXPORT_JOB_NAME>;

/**
 * The job's edge: validate the payload again, run the use case, and turn its error into one that
 * BullMQ understands: permanent failures are not retried, and every failure reason carries its code.
 */
export async function processExportJob(
  deps: ExportDeps,
  job: ExportJob,
  signal?: AbortSignal,
): Promise<ExportJobResult> {
  const logger = deps.logger.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
  try {
    const data = parseExportJobData(job.data);
    logger.info('export.started', { format: data.format, requestId: data.requestId });
    const result = await runExport({ ...deps, logger }, data, {
      onProgress: (progress) => {
        job.updateProgress(progress).catch((error: unknown) => logger.warn('export.progress_failed', { error }));
      },
      ...(signal ? { signal } : {}),
    });
    logger.info('export.completed', { rows: result.rows, bytes: result.bytes, ms: result.durationMs });
    return result;
  } catch (error) {
    const appError = isAppError(error)
      ? error
      : new AppError('INTERNAL', 'the export failed unexpectedly', { cause: error });
    logger.warn('export.failed', {
      code: appError.code,
      reason: appError.message,
      retryable: appError.retryable,
      cause: describeCause(appError),
    });
    const reason = formatFailure(appError.code, appError.message);
    throw appError.retryable ? new Error(reason) : new UnrecoverableError(reason);
  }
}

function describeCause(error: AppError): string | undefined {
  const cause = error.cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
