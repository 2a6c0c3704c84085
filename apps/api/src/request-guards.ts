import type { Redis } from 'ioredis';
import { withTimeout } from './with-timeout';

export interface RateResult {
  isAllowed: boolean;
  /** Until the window resets; 0 when allowed. */
  retryAfterMs: number;
}

/** The two checks that must hold across every api replica, so they live in Redis. */
export interface RequestGuards {
  /** True the first time `id` is seen within `ttlSeconds`; false for a replay. */
  rememberOnce(id: string, ttlSeconds: number): Promise<boolean>;
  /** Counts one request in `bucket`'s current window and says whether it is within `limit`. */
  hit(bucket: string, limit: number, windowMs: number): Promise<RateResult>;
  /** Stores `value` under `id` unless something is there already; returns what was there, or null. */
  claim(id: string, value: string, ttlSeconds: number): Promise<string | null>;
  /** Forgets a claim whose work did not happen. */
  release(id: string): Promise<void>;
}

// A fixed window: INCR, and the first request of a window sets its expiry. One round trip, atomic.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;
const REDIS_TIMEOUT_MS = 2_000;

export function createRedisGuards(redis: Redis, prefix = 'fq'): RequestGuards {
  return {
    async rememberOnce(id, ttlSeconds) {
      const result = await withTimeout(
        redis.set(`${prefix}:replay:${id}`, '1', 'EX', ttlSeconds, 'NX'),
        REDIS_TIMEOUT_MS,
      );
      return result === 'OK';
    },
    async claim(id, value, ttlSeconds) {
      // SET … NX GET (Redis 7): one round trip, atomic; the value that was there comes back.
      return withTimeout(redis.set(`${prefix}:claim:${id}`, value, 'EX', ttlSeconds, 'NX', 'GET'), REDIS_TIMEOUT_MS);
    },
    async release(id) {
      await withTimeout(redis.del(`${prefix}:claim:${id}`), REDIS_TIMEOUT_MS);
    },
    async hit(bucket, limit, windowMs) {
      const [count, ttl] = (await withTimeout(
        redis.eval(HIT_SCRIPT, 1, `${prefix}:rate:${bucket}`, windowMs),
        REDIS_TIMEOUT_MS,
      )) as [number, number];
      return count <= limit
        ? { isAllowed: true, retryAfterMs: 0 }
        : { isAllowed: false, retryAfterMs: Math.max(ttl, 1) };
    },
  };
}
