import type { RedisClient } from './redis-connection';
import { keySpace } from './key-space';
import { defineScript } from './redis-script';

/**
 * Fairness between client keys: each key may run at most `max_concurrent_exports` exports at once,
 * across every worker process. A slot is a lease in a sorted set (`<prefix>:slots:<key>`, member
 * job id, score its expiry by Redis's clock), renewed every second while the export runs, so a
 * worker that dies frees its slots within LEASE_MS without anyone cleaning up. A job that finds its
 * key full waits in `<prefix>:parked:<key>` (a sorted set, oldest first) as a delayed job; a freed
 * slot promotes the oldest one at once, and PARK_MS is only the fallback when that wake-up is lost.
 */
export interface KeySlots {
  /** True when the job holds (or already held) one of the key's `max` slots. */
  take(keyId: string, jobId: string, max: number): Promise<boolean>;
  renew(keyId: string, jobId: string): Promise<void>;
  /** Frees the job's slot and wakes the key's oldest parked job. */
  release(keyId: string, jobId: string): Promise<void>;
  /** Remembers a job that will wait (delayed) for one of the key's slots. */
  park(keyId: string, jobId: string): Promise<void>;
  /** Promotes the key's oldest parked job when the key has a free slot (its wake-up was lost). */
  wake(keyId: string, max: number): Promise<void>;
}

/** A slot outlives its last renewal by this much: a dead worker's slot is free again after it. */
export const SLOT_LEASE_MS = 30_000;
/** How long a parked job waits when nothing wakes it first: a last fallback, so long that waiting costs nothing. */
export const PARK_MS = 10 * 60_000;

// KEYS[1] the key's slots, KEYS[2] its parked jobs, KEYS[3] its waiting exports (key-backlog.ts); ARGV: job id, max,
// lease ms. Redis's own clock, so workers on hosts whose clocks disagree still agree on leases.
const TAKE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 1
end
return 0`;

const RENEW = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

// KEYS[1] the key's slots, KEYS[2] its parked jobs; ARGV[1] job id. Frees the slot and hands back the oldest parked id
// (nil when none waits): a release is one round trip when nothing is parked.
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('ZPOPMIN', KEYS[2])[1]`;

// KEYS[1] the key's slots, KEYS[2] its parked jobs; ARGV[1] max. The oldest parked id when the
// key has a free slot (expired leases dropped first), else nil.
const FREE_PARKED = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return nil end
return redis.call('ZPOPMIN', KEYS[2])[1]`;

// How many parked ids a release tries: some may be gone (cancelled) or running already.
const WAKE_TRIES = 5;

/** Where parked jobs wait: the export queue, as far as waking a parked job needs it. */
export interface ParkedJobs {
  getJob(jobId: string): Promise<{ isDelayed(): Promise<boolean>; promote(): Promise<void> } | undefined>;
}

export function createKeySlots(
  redis: RedisClient,
  queue: ParkedJobs,
  prefix = 'fq',
  leaseMs = SLOT_LEASE_MS,
): KeySlots {
  const { slots, parked, waiting } = keySpace(prefix);
  const takeScript = defineScript(redis, 'fqTakeSlot', 3, TAKE);
  const renewScript = defineScript(redis, 'fqRenewSlot', 1, RENEW);
  const releaseScript = defineScript(redis, 'fqReleaseSlot', 2, RELEASE);
  const freeParkedScript = defineScript(redis, 'fqFreeParked', 2, FREE_PARKED);
  const promote = async (jobId: string): Promise<boolean> => {
    const job = await queue.getJob(jobId);
    if (!job || !(await job.isDelayed())) return false;
    // A job promoted by its own timer meanwhile is no longer delayed: BullMQ refuses, try the next.
    return job.promote().then(
      () => true,
      () => false,
    );
  };
  // Promotes `next`, or the following parked ids when it is gone or already running.
  const promoteFrom = async (first: string | null, keyId: string): Promise<void> => {
    let next = first;
    for (let tries = 1; next && !(await promote(next)) && tries < WAKE_TRIES; tries += 1) {
      [next = null] = await redis.zpopmin(parked(keyId));
    }
  };
  return {
    async take(keyId, jobId, max) {
      return (await takeScript(slots(keyId), parked(keyId), waiting(keyId), jobId, max, leaseMs)) === 1;
    },
    async renew(keyId, jobId) {
      await renewScript(slots(keyId), jobId, leaseMs);
    },
    async release(keyId, jobId) {
      const next = (await releaseScript(slots(keyId), parked(keyId), jobId)) as string | null;
      await promoteFrom(next, keyId);
    },
    async wake(keyId, max) {
      await promoteFrom((await freeParkedScript(slots(keyId), parked(keyId), max)) as string | null, keyId);
    },
    async park(keyId, jobId) {
      await redis.zadd(parked(keyId), 'NX', Date.now(), jobId);
      await redis.pexpire(parked(keyId), 24 * 3600 * 1000);
    },
  };
}
