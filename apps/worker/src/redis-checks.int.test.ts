import { createSilentLogger } from '@fluxquery/logger';
import { connectTestRedis, createOwnRedis, TEST_REDIS_URL, uniquePrefix } from '@fluxquery/testkit';
import { Redis } from 'ioredis';
import { warnAboutEviction, warnAboutOldKeyNames, warnAboutPersistence } from './redis-checks';

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

describe('the Redis persistence check', () => {
  it('warns about a Redis that keeps nothing on disk, and is quiet about one with an append-only file', async () => {
    const own = await createOwnRedis();
    const persistent = new Redis(own.url);
    const volatile = new Redis(own.url);
    try {
      expect(await warnAboutPersistence(persistent, createSilentLogger())).toBe(false);
      // The same server, as the development command starts one: no AOF, no snapshots.
      await volatile.config('SET', 'appendonly', 'no');
      await volatile.config('SET', 'save', '');
      expect(await warnAboutPersistence(volatile, createSilentLogger())).toBe(true);
    } finally {
      persistent.disconnect();
      volatile.disconnect();
      await own.close();
    }
  });
});

describe('the check for queues under the old key names', () => {
  it('names a queue left under the names from before hash tags, and is quiet without one', async () => {
    const redis = connectTestRedis();
    const prefix = uniquePrefix('old_names');
    try {
      expect(await warnAboutOldKeyNames(redis, prefix, createSilentLogger())).toEqual([]);
      // What BullMQ left of a queue with jobs, under the old names.
      await redis.set(`${prefix}:exports:id`, '42');
      expect(await warnAboutOldKeyNames(redis, prefix, createSilentLogger())).toEqual([`${prefix}:exports`]);
    } finally {
      await redis.del(`${prefix}:exports:id`);
      await redis.quit();
    }
  });
});
