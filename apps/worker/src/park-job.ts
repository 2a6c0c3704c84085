import { PARK_MS, type KeySlots } from '@fluxquery/coordination';
import type { ExportJob } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';
import type { WorkerMetrics } from '@fluxquery/metrics';
import { DelayedError } from 'bullmq';

/**
 * The key already runs its maximum: the job waits, as a delayed job, until one of the key's
 * exports ends (which promotes it at once; or the parked sweep, when that wake-up was lost with a
 * worker), or PARK_MS passes. No attempt is spent, and no Redis work while it waits. Returns what
 * the processor throws so that BullMQ leaves the job delayed.
 */
export async function parkJob(
  slots: KeySlots,
  job: ExportJob,
  park: { keyId: string; jobId: string; token: string },
  logger: Logger,
  metrics?: WorkerMetrics,
): Promise<DelayedError> {
  await slots.park(park.keyId, park.jobId);
  logger.info('export.parked', { keyId: park.keyId, reason: 'max_concurrent_exports' });
  metrics?.parked.inc({ key: park.keyId });
  await job.moveToDelayed(Date.now() + PARK_MS, park.token);
  return new DelayedError();
}

/**
 * The worker is stopping and its grace period is over: the job goes back to the queue as it was
 * (no attempt counted), and its partial file is already gone.
 */
export async function handBackJob(job: ExportJob, token: string, logger: Logger): Promise<DelayedError> {
  logger.info('export.handed_back', { reason: 'shutdown' });
  await job.moveToDelayed(Date.now(), token);
  return new DelayedError();
}
