import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A BullMQ prefix of its own for each test file. */
export function uniquePrefix(label: string): string {
  return `fqtest:${label}:${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under a test prefix, the hash-tagged ones (`{prefix:…}…`) included. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: false });
  try {
    for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        // One key per command: on a cluster, a DEL of keys in different slots fails with CROSSSLOT.
        const unlinks = redis.pipeline();
        for (const key of keys) unlinks.unlink(key);
        await unlinks.exec();
      } while (cursor !== '0');
    }
  } finally {
    await redis.quit();
  }
}
