import { randomBytes } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * TEST_REDIS_CLUSTER_NODES (`host:port,…`): the suite runs against a Redis Cluster instead of the
 * one node at TEST_REDIS_URL (scripts/redis-cluster.sh starts one; `npm test` runs the
 * integration suites on both).
 */
export const TEST_REDIS_CLUSTER_NODES = process.env.TEST_REDIS_CLUSTER_NODES ?? '';

/**
 * TEST_REDIS_SENTINELS (`host:port,…`) with TEST_REDIS_SENTINEL_NAME: the suite runs against the
 * master a Sentinel group names (scripts/redis-sentinel.sh starts one).
 */
const TEST_REDIS_SENTINELS = process.env.TEST_REDIS_SENTINELS ?? '';
const TEST_REDIS_SENTINEL_NAME = process.env.TEST_REDIS_SENTINEL_NAME ?? '';

const parseNodes = (text: string) =>
  text.split(',').map((node) => {
    const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
    return { host, port: Number(port) };
  });

/** A connection to the suite's Redis: the cluster, the Sentinel group's master, or the one node. */
export function connectTestRedis(options: RedisOptions = {}): TestRedis {
  if (TEST_REDIS_CLUSTER_NODES) {
    const nodes = parseNodes(TEST_REDIS_CLUSTER_NODES);
    return new Cluster(nodes, { redisOptions: options, retryDelayOnClusterDown: 300, retryDelayOnFailover: 200 });
  }
  if (TEST_REDIS_SENTINELS) {
    return new Redis({ ...options, sentinels: parseNodes(TEST_REDIS_SENTINELS), name: TEST_REDIS_SENTINEL_NAME });
  }
  return new Redis(TEST_REDIS_URL, options);
}

/** The environment that points a service process (api, worker) at the suite's Redis. */
export function testRedisEnv(): Record<string, string> {
  if (TEST_REDIS_CLUSTER_NODES) return { REDIS_CLUSTER_NODES: TEST_REDIS_CLUSTER_NODES };
  if (TEST_REDIS_SENTINELS)
    return { REDIS_SENTINELS: TEST_REDIS_SENTINELS, REDIS_SENTINEL_NAME: TEST_REDIS_SENTINEL_NAME };
  return { REDIS_URL: TEST_REDIS_URL };
}

export type TestRedis = Redis | Cluster;

/** Every key matching `pattern`, on every master of a cluster (KEYS on a cluster asks one node). */
export async function findRedisKeys(pattern: string): Promise<string[]> {
  const redis = connectTestRedis();
  try {
    const servers = redis instanceof Cluster ? await mastersOf(redis) : [redis];
    return (await Promise.all(servers.map((server) => server.keys(pattern)))).flat();
  } finally {
    await redis.quit();
  }
}

/** A BullMQ prefix of its own for each test file. */
export function uniquePrefix(label: string): string {
  return `fqtest:${label}:${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under a test prefix, the hash-tagged ones (`{prefix:…}…`) included, on every master. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = connectTestRedis();
  try {
    const servers = redis instanceof Cluster ? await mastersOf(redis) : [redis];
    for (const server of servers) await deleteKeys(server, [`${prefix}:*`, `{${prefix}:*`]);
  } finally {
    await redis.quit();
  }
}

async function mastersOf(cluster: Cluster): Promise<Redis[]> {
  await new Promise<void>((resolve, reject) =>
    cluster.status === 'ready' ? resolve() : cluster.once('ready', resolve).once('error', reject),
  );
  return cluster.nodes('master');
}

async function deleteKeys(server: Redis, patterns: string[]): Promise<void> {
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      // One key per command: on a cluster, a DEL of keys in different slots fails with CROSSSLOT.
      const unlinks = server.pipeline();
      for (const key of keys) unlinks.unlink(key);
      await unlinks.exec();
    } while (cursor !== '0');
  }
}
