import type { Config } from '@fluxquery/config';
import {
  connectRedis,
  createCancelFlags,
  createCancelledJobs,
  createKeyBacklog,
  createRedisGuards,
  createReplicaWait,
  type RedisClient,
} from '@fluxquery/coordination';
import { createDeliveryQueue, createExportQueue, EXPORT_QUEUE_NAME, queueKeyPrefix } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';
import { createApiMetrics } from '@fluxquery/metrics';
import { createStorage } from '@fluxquery/storage';
import { createTickQueue, runDepsFor } from '@fluxquery/subscriptions';
import type { ApiDeps } from './context';
import { measureQueues } from './queue-metrics';
import { loadOpenApi } from './routes/openapi.route';

/** What the api runs on, built from the configuration: Redis, both queues, storage, metrics, keys. */
export function buildApiDeps(config: Readonly<Config>, logger: Logger): ApiDeps & { redis: RedisClient } {
  // Fail fast while Redis is away: a request should get a 503 in seconds, not hang.
  const redis = connectRedis(config.redis, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', (error: Error) => logger.warn('redis.error', { error: error.message }));
  const queueOptions = {
    connection: redis,
    prefix: config.queuePrefix,
    retentionMs: config.jobRetentionMs,
    retentionCount: config.jobRetentionCount,
  };
  const queue = createExportQueue(queueOptions);
  queue.on('error', (error) => logger.warn('queue.error', { error: error.message }));
  const deliveries = createDeliveryQueue(queueOptions);
  deliveries.on('error', (error) => logger.warn('queue.error', { error: error.message }));
  const metrics = createApiMetrics();
  const openApi = loadOpenApi();
  const prefix = `${config.queuePrefix}:fq`;
  const backlog = createKeyBacklog(redis, prefix);
  measureQueues(metrics, { queue, deliveries, backlog, keyIds: config.clients.map((client) => client.keyId) });
  const ticks = createTickQueue(redis, config.queuePrefix);
  ticks.on('error', (error) => logger.warn('queue.error', { error: error.message }));
  return {
    redis,
    metrics,
    queue,
    deliveries,
    // Local storage: the api reads the same folder the workers write (a shared volume in compose).
    storage: createStorage(config.storage),
    links: config.downloadLinks,
    pingRedis: async () => {
      await redis.ping();
    },
    logger,
    clients: config.clients,
    callbacks: config.callbacks,
    ...(openApi ? { openApi } : {}),
    guards: createRedisGuards(redis, prefix),
    backlog,
    ...replicaWait(redis, config),
    defaultSchema: config.mysql.database,
    maxBodyBytes: config.maxBodyBytes,
    jobRetentionMs: config.jobRetentionMs,
    sealSecret: config.jobSealSecret,
    cancelFlags: createCancelFlags(redis, prefix),
    cancelled: createCancelledJobs(redis, prefix),
    ...(config.dashboard.password ? { dashboard: config.dashboard } : {}),
    subscriptions: runDepsFor(config, { redis, exports: queue, deliveries, ticks, backlog }),
  };
}

/** REDIS_WAIT_REPLICAS: WAIT where the export queue's jobs are written. */
function replicaWait(redis: RedisClient, config: Readonly<Config>): Pick<ApiDeps, 'waitForReplicas'> {
  const { replicas, timeoutMs } = config.redisWait;
  if (replicas === 0) return {};
  const queueKey = `${queueKeyPrefix(config.queuePrefix, EXPORT_QUEUE_NAME)}:${EXPORT_QUEUE_NAME}:id`;
  return { waitForReplicas: createReplicaWait(redis, queueKey, replicas, timeoutMs) };
}
