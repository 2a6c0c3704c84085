import type { RedisClient } from './redis-connection';
import { keySpace } from './key-space';
import { withTimeout } from './with-timeout';

export interface RateBucket {
  name: string;
  limit: number;
}

export interface RateResult {
  isAllowed: boolean;
  /** The bucket that is over its limit (its index in the request); absent when allowed. */
  refused?: number;
  /** Until the window resets; 0 when allowed. */
  retryAfterMs: number;
}

/** The two checks that must hold across every api replica, so they live in Redis. */
export interface RequestGuards {
  /** True the first time `id` is seen within `ttlSeconds`; false for a replay. */
  rememberOnce(id: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Counts one request in each of a client key's buckets' current window, in order, and says
   * whether it is within every limit; the first bucket over its limit ends the count (the later
   * ones are not charged).
   */
  hit(keyId: string, buckets: readonly RateBucket[], windowMs: number): Promise<RateResult>;
  /** Stores `value` under `id` unless something is there already; returns what was there, or null. */
  claim(id: string, value: string, ttlSeconds: number): Promise<string | null>;
  /** Forgets a claim whose work did not happen. */
  release(id: string): Promise<void>;
}

// Fixed windows: INCR, and the first request of a window sets its expiry; the first bucket over
// its limit (ARGV[1 + i]) stops the count and is returned (its index and TTL), else 0. One round
// trip for every limit a request meets, atomic.
const HIT_SCRIPT = `
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  if n > tonumber(ARGV[1 + i]) then return {i, redis.call('PTTL', key)} end
end
return {0, 0}`;
const REDIS_TIMEOUT_MS = 2_000;

export function createRedisGuards(redis: RedisClient, prefix = 'fq'): RequestGuards {
  const keys = keySpace(prefix);
  return {
    async rememberOnce(id, ttlSeconds) {
      const result = await withTimeout(redis.set(keys.replay(id), '1', 'EX', ttlSeconds, 'NX'), REDIS_TIMEOUT_MS);
      return result === 'OK';
    },
    async claim(id, value, ttlSeconds) {
      // SET … NX GET (Redis 7): one round trip, atomic; the value that was there comes back.
      return withTimeout(redis.set(keys.claim(id), value, 'EX', ttlSeconds, 'NX', 'GET'), REDIS_TIMEOUT_MS);
    },
    async release(id) {
      await withTimeout(redis.del(keys.claim(id)), REDIS_TIMEOUT_MS);
    },
    async hit(keyId, buckets, windowMs) {
      const counters = buckets.map((bucket) => keys.rate(keyId, bucket.name));
      const limits = buckets.map((bucket) => bucket.limit);
      const [over, ttl] = (await withTimeout(
        redis.eval(HIT_SCRIPT, counters.length, ...counters, windowMs, ...limits),
        REDIS_TIMEOUT_MS,
      )) as [number, number];
      return over > 0
        ? { isAllowed: false, retryAfterMs: Math.max(ttl, 1), refused: over - 1 }
        : { isAllowed: true, retryAfterMs: 0 };
    },
  };
}
