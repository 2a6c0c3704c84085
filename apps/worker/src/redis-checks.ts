import type { Logger } from '@fluxquery/logger';
import type { RedisClient } from '@fluxquery/coordination';
import { Cluster } from 'ioredis';

/**
 * BullMQ keeps queued jobs as ordinary keys: a Redis that evicts keys under memory pressure loses
 * jobs without a trace. Returns the policy when it is not `noeviction` (and logs a warning), or
 * undefined when it is, or when the server does not let us read it (some managed services).
 */
export async function warnAboutEviction(redis: RedisClient, logger: Logger): Promise<string | undefined> {
  const policies = await readSetting(redis, 'maxmemory-policy');
  const policy = policies.find((value) => value !== undefined && value !== 'noeviction');
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
export async function warnAboutPersistence(redis: RedisClient, logger: Logger): Promise<boolean> {
  const [appendonly, save] = [await readSetting(redis, 'appendonly'), await readSetting(redis, 'save')];
  const isVolatile = (_: unknown, node: number): boolean =>
    appendonly[node] === 'no' && save[node] !== undefined && save[node].trim() === '';
  if (!appendonly.some(isVolatile)) return false;
  logger.warn('redis.no_persistence', {
    advice:
      'Redis keeps nothing on disk: a restart loses queued jobs and statuses; set appendonly yes (docs/operations.md)',
  });
  return true;
}

/**
 * Queues under the names used before hash tags (`<prefix>:exports:…`; now
 * `{<prefix>:exports}:exports:…`) hold jobs no worker will take: an upgrade that did not drain
 * them first (docs/operations.md, Upgrades). Returns the old queues that still have keys, and logs
 * `redis.old_key_names` when there are any.
 */
export async function warnAboutOldKeyNames(redis: RedisClient, prefix: string, logger: Logger): Promise<string[]> {
  const old: string[] = [];
  for (const queue of ['exports', 'deliveries']) {
    if ((await redis.exists(`${prefix}:${queue}:id`).catch(() => 0)) > 0) old.push(`${prefix}:${queue}`);
  }
  if (old.length === 0) return old;
  logger.warn('redis.old_key_names', {
    queues: old,
    advice:
      'these queues use the key names from before Redis Cluster support: run the old workers until they are empty (docs/operations.md, Upgrades)',
  });
  return old;
}

/** A setting of every server that holds data: the one node, Sentinel's master, or each cluster master. */
async function readSetting(redis: RedisClient, name: string): Promise<(string | undefined)[]> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  return Promise.all(
    servers.map(
      async (server) => ((await server.config('GET', name).catch(() => undefined)) as string[] | undefined)?.[1],
    ),
  );
}
