import type { CancelFlags } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';

export interface CancelWatch {
  /** Aborts when the job is cancelled (DELETE /export/:id) or BullMQ gives up the job. */
  signal: AbortSignal;
  stop(): void;
}

const CHECK_EVERY_MS = 1_000;

/**
 * Looks for the job's cancel flag once now and then every second, on whichever worker runs it, and
 * turns it into an abort: the query is killed, the partial file or upload removed.
 */
export async function watchForCancel(
  flags: CancelFlags,
  jobId: string,
  logger: Logger,
  upstream?: AbortSignal,
): Promise<CancelWatch> {
  const controller = new AbortController();
  const signal = upstream ? AbortSignal.any([controller.signal, upstream]) : controller.signal;
  const check = async (): Promise<void> => {
    if (controller.signal.aborted) return;
    if (await flags.isRequested(jobId)) {
      logger.info('export.cancel_seen', { jobId });
      controller.abort();
    }
  };
  // Redis being away must not fail the export: the next tick looks again.
  await check().catch(() => undefined);
  const timer = setInterval(() => void check().catch(() => undefined), CHECK_EVERY_MS);
  timer.unref();
  return { signal, stop: () => clearInterval(timer) };
}
