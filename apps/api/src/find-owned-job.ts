import { DEFAULT_KEY_ID } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import { deliveryJobId, isEmailJob, isWebhookJob, webhookJobId, type ExportJob } from '@fluxquery/export-job';
import type { JobSnapshot } from '@fluxquery/job-status';
import type { ApiDeps } from './context';
import { withTimeout } from '@fluxquery/coordination';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const notFound = () =>
  new AppError('NOT_FOUND', 'no export job has this id (finished jobs are kept for a limited time)');

/**
 * The export job `id` with its delivery, if it belongs to `keyId`; undefined when there is none
 * (to any other key a job does not exist, so ids cannot be probed). Each state is read before its
 * job (see packages/job-status).
 */
export async function findOwnedJob(
  deps: ApiDeps,
  id: string,
  keyId: string | undefined,
): Promise<JobSnapshot<ExportJob> | undefined> {
  if (!UUID.test(id)) throw notFound();
  return readJobStore(async () => {
    const state = await deps.queue.getJobState(id);
    const job = await deps.queue.getJob(id);
    if (!job || (job.data.keyId ?? DEFAULT_KEY_ID) !== keyId) return undefined;
    const [delivery, webhook, cancelRequestedAt] = await Promise.all([
      findDelivery(deps, id),
      job.data.callbackUrl ? findWebhook(deps, id) : undefined,
      deps.cancelFlags.requestedAt(id),
    ]);
    return {
      job,
      state,
      ...(delivery ? { delivery } : {}),
      ...(webhook ? { webhook } : {}),
      ...(cancelRequestedAt !== undefined ? { cancelRequestedAt } : {}),
    };
  });
}

export async function findWebhook(deps: ApiDeps, exportJobId: string): Promise<JobSnapshot['webhook']> {
  const id = webhookJobId(exportJobId);
  const state = await deps.deliveries.getJobState(id);
  const job = await deps.deliveries.getJob(id);
  return job && isWebhookJob(job) ? { job, state } : undefined;
}

export async function findDelivery(deps: ApiDeps, exportJobId: string): Promise<JobSnapshot['delivery']> {
  const state = await deps.deliveries.getJobState(deliveryJobId(exportJobId));
  const job = await deps.deliveries.getJob(deliveryJobId(exportJobId));
  return job && isEmailJob(job) ? { job, state } : undefined;
}

/** Redis calls for a request, with a time limit: an outage is a 503, never a hung request. */
export async function readJobStore<T>(read: () => Promise<T>): Promise<T> {
  return withTimeout(read(), 5_000).catch((error: unknown) => {
    throw new AppError('SERVICE_UNAVAILABLE', 'the job store is unavailable; try again shortly', { cause: error });
  });
}
