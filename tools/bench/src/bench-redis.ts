import { loadConfig } from '@fluxquery/config';
import { connectRedis, type RedisClient } from '@fluxquery/coordination';
import type { RedisOptions } from 'ioredis';

// The Redis a bench runs on is the one the environment's REDIS_* settings name, as for the
// service: one node (REDIS_URL, default 127.0.0.1:6379), a Sentinel group or a cluster
// (REDIS_CLUSTER_NODES, such as scripts/redis-cluster.sh's).

/** The REDIS_* settings, handed to the service under test unchanged. */
export function benchRedisEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => /^REDIS_/.test(entry[0]) && !!entry[1]),
  );
}

/** The bench's own connection to the same Redis. */
export function connectBenchRedis(options: RedisOptions = {}): RedisClient {
  return connectRedis(loadConfig().redis, options);
}
