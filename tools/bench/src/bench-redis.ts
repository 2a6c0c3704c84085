import { Cluster, Redis, type RedisOptions } from 'ioredis';

// The Redis a bench runs on: a cluster when REDIS_CLUSTER_NODES is set (`host:port,…`, such as
// scripts/redis-cluster.sh's), else the one node at REDIS_URL (default 127.0.0.1:6379).
const CLUSTER_NODES = process.env.REDIS_CLUSTER_NODES ?? '';
const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The environment that points the service under test at the bench's Redis. */
export function benchRedisEnv(): Record<string, string> {
  return CLUSTER_NODES ? { REDIS_CLUSTER_NODES: CLUSTER_NODES } : { REDIS_URL: URL };
}

/** The bench's own connection to the same Redis. */
export function connectBenchRedis(options: RedisOptions = {}): Redis | Cluster {
  if (!CLUSTER_NODES) return new Redis(URL, options);
  const nodes = CLUSTER_NODES.split(',').map((node) => {
    const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
    return { host, port: Number(port) };
  });
  return new Cluster(nodes, { redisOptions: options });
}
