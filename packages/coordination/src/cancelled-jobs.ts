import type { RedisClient } from './redis-connection';
import { keySpace } from './key-space';
import { withTimeout } from './with-timeout';

/**
 * What a poller sees of a job that was cancelled while it waited: BullMQ removes the job, so its
 * final status is kept here, as long as finished jobs are kept, for the key that owned it.
 */
export interface CancelledJob {
  keyId: string;
  view: Record<string, unknown>;
  /** Its request had a callback_url: the status shows the webhook's delivery. */
  hasCallback?: boolean;
}

export interface CancelledJobs {
  remember(jobId: string, record: CancelledJob, ttlMs: number): Promise<void>;
  find(jobId: string): Promise<CancelledJob | undefined>;
}

export function createCancelledJobs(redis: RedisClient, prefix = 'fq'): CancelledJobs {
  const key = keySpace(prefix).cancelled;
  return {
    async remember(jobId, record, ttlMs) {
      await withTimeout(redis.set(key(jobId), JSON.stringify(record), 'PX', ttlMs), 2_000);
    },
    async find(jobId) {
      const text = await withTimeout(redis.get(key(jobId)), 2_000);
      return text ? (JSON.parse(text) as CancelledJob) : undefined;
    },
  };
}
