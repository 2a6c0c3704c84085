import type { Logger } from '@fluxquery/logger';
import { tickQueueOptions, TICK_QUEUE_NAME, type RunDeps, type TickJobData } from '@fluxquery/subscriptions';
import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { isAppError } from '@fluxquery/errors';
import { processTickJob } from './subscription-tick.processor';

/**
 * The ticks' worker. Its settings carry the subscriptions' own tick calculation, because a worker
 * that takes a scheduler's job also schedules the next one.
 */
export function createTicksWorker(
  deps: RunDeps & { logger: Logger },
  options: { connection: ConnectionOptions; prefix: string; stallMs?: number },
): Worker<TickJobData> {
  const worker = new Worker<TickJobData>(
    TICK_QUEUE_NAME,
    async (job) => {
      try {
        await processTickJob(deps, job);
      } catch (error) {
        deps.logger.warn('subscription.tick_failed', {
          jobId: job.id,
          error: error instanceof Error ? error.message : String(error),
        });
        if (isAppError(error) && !error.retryable) throw new UnrecoverableError(`[${error.code}] ${error.message}`);
        throw error;
      }
    },
    {
      ...tickQueueOptions(options.connection, options.prefix),
      ...(options.stallMs ? { lockDuration: options.stallMs, stalledInterval: options.stallMs } : {}),
      concurrency: 4,
    },
  );
  worker.on('error', (error) => deps.logger.error('tick_worker.error', { error: error.message }));
  return worker;
}
