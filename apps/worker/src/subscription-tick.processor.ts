import { AppError } from '@fluxquery/errors';
import { hasValidSeal } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';
import {
  startRun,
  tickOfJob,
  TICK_QUEUE_NAME,
  unscheduleTicks,
  type RunDeps,
  type TickJobData,
} from '@fluxquery/subscriptions';
import type { Job } from 'bullmq';

/**
 * A tick becomes at most one export (startRun). The tick's job only names its subscription; its
 * seal proves the service made it, and the tick's time is the job's id (`repeat:<id>:<ms>`). A
 * tick of a subscription that no longer exists removes its scheduler.
 */
export async function processTickJob(deps: RunDeps & { logger: Logger }, job: Job<TickJobData>): Promise<void> {
  const tick = tickOfJob(job.id);
  const subscriptionId = job.data.subscriptionId;
  if (
    !tick ||
    tick.subscriptionId !== subscriptionId ||
    !hasValidSeal(deps.sealSecret, TICK_QUEUE_NAME, subscriptionId, job.data)
  ) {
    throw new AppError('JOB_SEAL_INVALID', 'the tick was not made by the service, or was changed; it was refused');
  }
  const run = await startRun(deps, subscriptionId, { tickMs: tick.tickMs, trigger: 'schedule' });
  if (!run && !(await deps.store.get(subscriptionId))) await unscheduleTicks(deps.ticks, subscriptionId);
  deps.logger.info('subscription.tick', {
    subscriptionId,
    scheduledAt: new Date(tick.tickMs).toISOString(),
    outcome: run?.outcome ?? 'none',
    ...(run?.jobId ? { exportJobId: run.jobId } : {}),
    ...(run?.reason ? { reason: run.reason } : {}),
  });
}
