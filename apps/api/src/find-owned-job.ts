import { DEFAULT_KEY_ID } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import { deliveryJobId } from '@fluxquery/export-job';
import type { ApiDeps } from './context';
import type { JobSnapshot } from './export-view';
import { withTimeout } from './with-timeout';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The export job `id` with its delivery, if it belongs to `keyId`. To any other key a job does not
 * exist (404), so ids cannot be probed. Each state is read before its job (see export-view.ts).
 */
export async function findOwnedJob(deps: ApiDeps, id: string, keyId: string | undefined): Promise<JobSnapshot> {
  if (!UUID.test(id)) throw new AppError('NOT_FOUND', 'no export job has this id');
  const snapshot = await withTimeout(
    (async (): Promise<JobSnapshot | undefined> => {
      const state = await deps.queue.getJobState(id);
      const job = await deps.queue.getJob(id);
      if (!job || (job.data.keyId ?? DEFAULT_KEY_ID) !== keyId) return undefined;
      const deliveryState = await deps.deliveries.getJobState(deliveryJobId(id));
      const deliveryJob = await deps.deliveries.getJob(deliveryJobId(id));
      return { job, state, ...(deliveryJob ? { delivery: { job: deliveryJob, state: deliveryState } } : {}) };
    })(),
    5_000,
  ).catch((error: unknown) => {
    throw new AppError('SERVICE_UNAVAILABLE', 'the job store is unavailable; try again shortly', { cause: error });
  });
  if (!snapshot)
    throw new AppError('NOT_FOUND', 'no export job has this id (finished jobs are kept for a limited time)');
  return snapshot;
}
