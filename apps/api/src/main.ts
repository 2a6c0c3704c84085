import { findExposedDevelopmentSecrets, loadConfig } from '@fluxquery/config';
import { createCancelFlags, createCancelledJobs, createRedisGuards } from '@fluxquery/coordination';
import { createDeliveryQueue, createExportQueue } from '@fluxquery/export-job';
import { createLogger } from '@fluxquery/logger';
import { createApiMetrics } from '@fluxquery/metrics';
import { createStorage } from '@fluxquery/storage';
import { Redis } from 'ioredis';
import { existsSync } from 'node:fs';
import { createApp } from './app';
import { createHttpServer } from './http-server';
import { loadOpenApi } from './routes/openapi.route';

const withOpenApi = (document: object | undefined) => (document ? { openApi: document } : {});

function main(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger({ service: 'api', level: config.logLevel });
  // Fail fast while Redis is away: a request should get a 503 in seconds, not hang.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', (error) => logger.warn('redis.error', { error: error.message }));
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
  metrics.countJobsWith(async () => ({
    exports: await queue.getJobCounts(),
    deliveries: await deliveries.getJobCounts(),
  }));
  const app = createApp({
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
    ...withOpenApi(loadOpenApi()),
    guards: createRedisGuards(redis, `${config.queuePrefix}:fq`),
    defaultSchema: config.mysql.database,
    maxBodyBytes: config.maxBodyBytes,
    jobRetentionMs: config.jobRetentionMs,
    sealSecret: config.jobSealSecret,
    cancelFlags: createCancelFlags(redis, `${config.queuePrefix}:fq`),
    cancelled: createCancelledJobs(redis, `${config.queuePrefix}:fq`),
    ...(config.dashboard.password ? { dashboard: config.dashboard } : {}),
  });
  const server = createHttpServer(app).listen(config.serverPort, config.serverHost || undefined, () => {
    logger.info('api.started', {
      port: config.serverPort,
      host: config.serverHost || 'every interface',
      env: config.appEnv,
      dashboard: Boolean(config.dashboard.password),
    });
    const exposed = findExposedDevelopmentSecrets(config, [config.serverHost]);
    if (exposed) {
      logger.error('config.development_secrets_exposed', {
        ...exposed,
        advice:
          'anyone who has read the FluxQuery repository knows these secrets: set your own, or SERVER_HOST=127.0.0.1 (APP_ENV=production refuses them)',
      });
    }
  });

  const stop = (signal: string): void => {
    logger.info('api.stopping', { signal });
    // Drain: no new connections; idle keep-alive ones close now, requests in flight may finish
    // (a download may take a while) for up to 30 s, then whatever is left is cut.
    setTimeout(() => server.closeAllConnections(), 30_000).unref();
    server.close(() => {
      void Promise.all([queue.close(), deliveries.close()]).finally(() => {
        redis.disconnect();
        process.exit(0);
      });
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

try {
  main();
} catch (error) {
  process.stderr.write(`api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
