import { queueKeyPrefix, sealJob } from '@fluxquery/export-job';
import { Queue, type ConnectionOptions, type JobSchedulerJson, type RepeatOptions } from 'bullmq';
import { nextTick, type Schedule } from './schedule';
import type { Subscription } from './subscription';

/**
 * The ticks of every subscription: one BullMQ job scheduler per subscription (its id the
 * subscription's), each making one `tick` job at a time, with id `repeat:<subscription id>:<ms>`.
 * BullMQ's own cron reading is replaced by `nextTick` (schedule.ts), so the queue, the workers and
 * the tests agree on every tick, across daylight-saving changes too.
 */
export const TICK_QUEUE_NAME = 'subscription-ticks';
export const TICK_JOB_NAME = 'tick';

export interface TickJobData {
  subscriptionId: string;
  /** JOB_SEAL_SECRET's HMAC over the scheduler's id and the rest. */
  seal?: string;
}

export type TickQueue = Queue<TickJobData, void, typeof TICK_JOB_NAME>;

/** BullMQ's repeat strategy, for the queue and for the workers, which schedule each next tick. */
const tickStrategy = (millis: number, opts: RepeatOptions): number | undefined => {
  if (!opts.pattern) return undefined;
  const schedule: Schedule = {
    cron: opts.pattern,
    timeZone: opts.tz ?? 'UTC',
    ...(opts.startDate ? { startsAt: new Date(opts.startDate).getTime() } : {}),
    ...(opts.endDate ? { endsAt: new Date(opts.endDate).getTime() } : {}),
  };
  return nextTick(schedule, millis);
};

export function tickQueueOptions(connection: ConnectionOptions, prefix: string) {
  return {
    connection,
    prefix: queueKeyPrefix(prefix, TICK_QUEUE_NAME),
    settings: { repeatStrategy: tickStrategy },
  };
}

export function createTickQueue(connection: ConnectionOptions, prefix = 'bull'): TickQueue {
  return new Queue(TICK_QUEUE_NAME, tickQueueOptions(connection, prefix));
}

/** What a scheduler must say for this subscription; compared by the reconciler. */
export function schedulerFor(subscription: Subscription): RepeatOptions {
  const { schedule } = subscription;
  return {
    pattern: schedule.cron,
    tz: schedule.timeZone,
    ...(schedule.startsAt !== undefined ? { startDate: schedule.startsAt } : {}),
    ...(schedule.endsAt !== undefined ? { endDate: schedule.endsAt } : {}),
  };
}

/** Creates or replaces the subscription's scheduler; its next tick is computed from now. */
export async function scheduleTicks(queue: TickQueue, sealSecret: string, subscription: Subscription): Promise<void> {
  const data = sealJob(sealSecret, TICK_QUEUE_NAME, subscription.id, { subscriptionId: subscription.id });
  // BullMQ 6.7 types the scheduler's id as the job's name; it is any string.
  const schedulerId = subscription.id as typeof TICK_JOB_NAME;
  await queue.upsertJobScheduler(schedulerId, schedulerFor(subscription), {
    name: TICK_JOB_NAME,
    data,
    // A tick's job is only a trigger: its run is recorded with the subscription.
    opts: { removeOnComplete: { count: 1_000 }, removeOnFail: { count: 1_000 }, attempts: 3, backoff: 1_000 },
  });
}

export async function unscheduleTicks(queue: TickQueue, subscriptionId: string): Promise<void> {
  await queue.removeJobScheduler(subscriptionId);
}

/** The tick a scheduler's job stands for: its `repeat:<id>:<ms>` id. */
export function tickOfJob(jobId: string | undefined): { subscriptionId: string; tickMs: number } | undefined {
  const match = /^repeat:(.+):(\d+)$/.exec(jobId ?? '');
  return match ? { subscriptionId: match[1]!, tickMs: Number(match[2]) } : undefined;
}

export type Scheduler = JobSchedulerJson<TickJobData>;
