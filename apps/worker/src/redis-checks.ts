import type { Logger } from '@fluxquery/logger';
import type { Redis } from 'ioredis';

/**
 * BullMQ keeps queued jobs as ordinary keys: a Redis that evicts keys under memory pressure loses
 * jobs without a trace. Returns the policy when it is not `noeviction` (and logs a warning), or
 * undefined when it is, or when the server does not let us read it (some managed services).
 */
export async function warnAboutEviction(redis: Redis, logger: Logger): Promise<string | undefined> {
  const reply = (await redis.config('GET', 'maxmemory-policy').catch(() => undefined)) as string[] | undefined;
  const policy = reply?.[1];
  if (!policy || policy === 'noeviction') return undefined;
  logger.warn('redis.eviction_policy', {
    policy,
    advice: 'set maxmemory-policy noeviction: an evicting Redis can drop queued jobs (docs/operations.md)',
  });
  return policy;
}
