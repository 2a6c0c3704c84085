import type { RedisClient } from './redis-connection';
import { keySpace } from './key-space';

/**
 * A cancel request, as the api leaves it for whichever worker runs (or will take) the job. A flag
 * in Redis rather than a message: a worker that was busy or reconnecting still sees it, and each
 * running export looks once a second, so it stops within about a second on any process.
 */
export interface CancelFlags {
  /** Leaves the flag, holding the time of the first request (a repeat keeps it). */
  request(jobId: string): Promise<void>;
  isRequested(jobId: string): Promise<boolean>;
  /** When the cancel was first asked for, as ISO time; undefined when it was not. */
  requestedAt(jobId: string): Promise<string | undefined>;
}

// Longer than any export may run; afterwards the job is finished either way.
const FLAG_TTL_SECONDS = 24 * 3600;

export function createCancelFlags(redis: RedisClient, prefix = 'fq'): CancelFlags {
  const key = keySpace(prefix).cancel;
  return {
    async request(jobId) {
      await redis.set(key(jobId), new Date().toISOString(), 'EX', FLAG_TTL_SECONDS, 'NX');
    },
    async isRequested(jobId) {
      return (await redis.exists(key(jobId))) === 1;
    },
    async requestedAt(jobId) {
      const value = await redis.get(key(jobId));
      // A flag left by an older api holds '1': requested, at a time not recorded.
      return value === null ? undefined : Number.isNaN(Date.parse(value)) ? '' : value;
    },
  };
}
