import { DEFAULT_KEY_ID } from '@fluxquery/config';
import { holdKeySlot, type CancelFlags, type HeldSlot, type KeyBacklog, type KeySlots } from '@fluxquery/coordination';
import { AppError } from '@fluxquery/errors';
import type { ExportJob, ExportJobData, ExportJobResult } from '@fluxquery/export-job';
import type { WorkerMetrics } from '@fluxquery/metrics';
import { DelayedError } from 'bullmq';
import { watchForCancel, type CancelWatch } from './cancel-watch';
import { measureExport } from './export-metrics';
import { reportEnd, type SubscriberDeps } from './subscription-run-end';
import { runExport, type ExportDeps } from '@fluxquery/pipeline';
import { checkExportJob, type JobPolicy } from './trusted-job';
import { logExportFailure, toJobFailure } from './job-failure';
import { handBackJob, parkJob } from './park-job';

export interface ExportJobDeps extends ExportDeps, JobPolicy, SubscriberDeps {
  /** Where DELETE /export/:id leaves its request. */
  cancelFlags: CancelFlags;
  /** Each key's max_concurrent_exports, held across worker processes; absent: no per-key limit. */
  keySlots?: KeySlots;
  /** Each key's exports queued or running (the priorities of fair shares); absent: not kept. */
  backlog?: KeyBacklog;
  /** Prometheus metrics (METRICS_PORT); absent: none are kept. */
  metrics?: WorkerMetrics;
  /** Aborted when a stopping worker's grace period is over: running exports are handed back. */
  shutdown?: AbortSignal;
}

/**
 * The job's edge: validate the payload again, run the use case, and turn its error into one that
 * BullMQ understands: permanent failures are not retried, and every failure reason carries its code.
 * Once the file is committed, or the export has failed for good, the requester is told by an
 * email job and, when the request had a callback_url, a webhook job.
 */
export async function processExportJob(
  deps: ExportJobDeps,
  job: ExportJob,
  token?: string,
  signal?: AbortSignal,
): Promise<ExportJobResult> {
  const logger = deps.logger.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
  let data: ExportJobData | undefined;
  // The cancel flag's first check and the key's slot are asked for at once: one round trip to
  // Redis, not two, on every job.
  const watching = watchForCancel(deps.cancelFlags, String(job.id), logger, [signal, deps.shutdown]);
  const measure = measureExport(deps.metrics);
  let slot: HeldSlot | undefined;
  let releasing: Promise<void> | undefined;
  // Freed as soon as the export has ended, while the requester is being told.
  const releaseSlot = (): Promise<void> => (releasing ??= slot?.release() ?? Promise.resolve());
  try {
    const checked = checkExportJob(deps, job.id, job.data);
    data = checked;
    const keyId = checked.keyId ?? DEFAULT_KEY_ID;
    const limited = deps.keySlots && job.id && token ? { slots: deps.keySlots, jobId: job.id, token } : undefined;
    let cancel: CancelWatch;
    [cancel, slot] = await Promise.all([
      watching,
      limited && holdKeySlot(limited.slots, keyId, limited.jobId, maxConcurrentFor(deps, keyId)),
    ]);
    // Cancelled while it waited: no query runs at all (a slot just taken is freed below).
    if (cancel.signal.aborted) throw new AppError('CANCELLED', 'the export was cancelled');
    if (limited && !slot) throw await parkJob(limited.slots, job, { keyId, ...limited }, logger, deps.metrics);
    measure.started(keyId);
    logger.info('export.started', { format: data.format, requestId: data.requestId });
    const result = await runExport({ ...deps, logger }, data, {
      onProgress: (progress) => {
        job.updateProgress(progress).catch((error: unknown) => logger.warn('export.progress_failed', { error }));
      },
      signal: cancel.signal,
      // attemptsStarted counts every start: retries, and restarts after a worker died (stalled).
      ...(job.id ? { owner: job.id, hasEarlierAttempt: job.attemptsStarted > 1 } : {}),
    });
    logger.info('export.completed', { rows: result.rows, bytes: result.bytes, ms: result.durationMs });
    measure.completed(result);
    await Promise.all([reportEnd(deps, logger, job, checked, { result }), releaseSlot(), leaveBacklog(deps, job)]);
    return result;
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    if (deps.shutdown?.aborted && token) throw await handBackJob(job, token, logger);
    const appError = logExportFailure(logger, error);
    measure.failed(data?.format, appError.code);
    const isFinal = !appError.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (isFinal && data) {
      await Promise.all([
        reportEnd(deps, logger, job, data, { failure: appError }),
        releaseSlot(),
        leaveBacklog(deps, job),
      ]);
    }
    throw toJobFailure(appError);
  } finally {
    (await watching).stop();
    measure.ended();
    await releaseSlot();
  }
}

/** The export ended for good: it no longer counts in its key's backlog. Never throws. */
async function leaveBacklog(deps: ExportJobDeps, job: ExportJob): Promise<void> {
  if (!deps.backlog || !job.id) return;
  await deps.backlog.leave(job.data.keyId ?? DEFAULT_KEY_ID, job.id).catch(() => undefined);
}

function maxConcurrentFor(deps: ExportJobDeps, keyId: string): number {
  // checkExportJob has already refused a job whose key this worker does not know.
  return deps.clients.find((client) => client.keyId === keyId)?.limits.maxConcurrentExports ?? 1;
}
