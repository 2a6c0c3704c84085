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

/**
 * A Redis that keeps nothing on disk (no append-only file, no snapshots) loses every queued job
 * and every status when it restarts. Returns true (and logs a warning) for such a server;
 * false when it persists, or when the server does not let us read its settings.
 */
export async function warnAboutPersistence(redis: Redis, logger: Logger): Promise<boolean> {
  const read = async (name: string) =>
    ((await redis.config('GET', name).catch(() => undefined)) as string[] | undefined)?.[1];
  const [appendonly, save] = [await read('appendonly'), await read('save')];
  if (appendonly === undefined || save === undefined) return false;
  if (appendonly === 'yes' || save.trim() !== '') return false;
  logger.warn('redis.no_persistence', {
    advice:
      'Redis keeps nothing on disk: a restart loses queued jobs and statuses; set appendonly yes (docs/operations.md)',
  });
  return true;
}
