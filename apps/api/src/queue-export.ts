import { withTimeout } from '@fluxquery/coordination';
import { AppError } from '@fluxquery/errors';
import { EXPORT_JOB_NAME, EXPORT_QUEUE_NAME, sealJob, type ExportJobData } from '@fluxquery/export-job';
import type { ApiDeps } from './context';
import type { IdempotentClaim } from './idempotency';

/**
 * The sealed job on the export queue, under the id the api chose, with its key's backlog as its
 * priority (key-backlog.ts: keys take turns). A queue that does not answer in 5 s is a 503, and
 * the idempotency claim is released so that the client's retry can queue it.
 */
export async function queueExport(
  deps: ApiDeps,
  jobId: string,
  data: ExportJobData & { keyId: string },
  claim: IdempotentClaim | undefined,
): Promise<void> {
  const sealed = sealJob(deps.sealSecret, EXPORT_QUEUE_NAME, jobId, data);
  const queued = async (): Promise<void> => {
    const priority = await deps.backlog.enter(data.keyId, jobId);
    await deps.queue.add(EXPORT_JOB_NAME, sealed, { jobId, priority }).catch(async (error: unknown) => {
      await deps.backlog.leave(data.keyId, jobId).catch(() => undefined);
      throw error;
    });
  };
  await withTimeout(queued(), 5_000).catch(async (error: unknown) => {
    await claim?.release();
    throw new AppError('SERVICE_UNAVAILABLE', 'the job queue is unavailable; try again shortly', { cause: error });
  });
}
