import { createSilentLogger } from '@fluxquery/logger';
import { TEST_REDIS_URL } from '@fluxquery/testkit';
import { Redis } from 'ioredis';
import { warnAboutEviction } from './redis-checks';

describe('the Redis eviction check', () => {
  it('warns about a policy that can drop jobs, and is quiet about noeviction', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const [, original = 'noeviction'] = (await redis.config('GET', 'maxmemory-policy')) as string[];
    try {
      // With maxmemory 0 (no limit, as here) no key is evicted meanwhile, whatever the policy says.
      await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await warnAboutEviction(redis, createSilentLogger())).toBe('allkeys-lru');
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
      expect(await warnAboutEviction(redis, createSilentLogger())).toBeUndefined();
    } finally {
      await redis.config('SET', 'maxmemory-policy', original);
      await redis.quit();
    }
  });
});
