import { withTimeout } from '@fluxquery/coordination';
import { AppError } from '@fluxquery/errors';
import { addExport, type ExportJobData } from '@fluxquery/export-job';
import type { ApiDeps } from './context';
import type { IdempotentClaim } from './idempotency';

/**
 * The sealed job on the export queue, under the id the api chose, with its key's backlog as its
 * priority (addExport: keys take turns). A queue that does not answer in 5 s is a 503, and
 * the idempotency claim is released so that the client's retry can queue it.
 */
export async function queueExport(
  deps: ApiDeps,
  jobId: string,
  data: ExportJobData & { keyId: string },
  claim: IdempotentClaim | undefined,
): Promise<void> {
  await withTimeout(addExport(deps.queue, deps.backlog, deps.sealSecret, { jobId, data }), 5_000).catch(
    async (error: unknown) => {
      await claim?.release();
      throw new AppError('SERVICE_UNAVAILABLE', 'the job queue is unavailable; try again shortly', { cause: error });
    },
  );
  await confirmReplicated(deps);
}

/**
 * REDIS_WAIT_REPLICAS: a 202 promises that a failover cannot lose the job. The job stays queued
 * when the replicas are late, and so does the idempotency claim: a retry with the same key gets
 * the same job, once a replica holds it.
 */
export async function confirmReplicated(deps: ApiDeps): Promise<void> {
  if (!deps.waitForReplicas || (await deps.waitForReplicas().catch(() => false))) return;
  throw new AppError(
    'SERVICE_UNAVAILABLE',
    'the export was queued, but no replica has confirmed it yet; retry with the same Idempotency-Key to get the same job',
  );
}
