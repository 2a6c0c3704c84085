import { DEFAULT_KEY_ID, describeMysql, loadConfig, longestTimeoutMs, type Config } from '@fluxquery/config';
import { createCancelFlags, createKeySlots } from '@fluxquery/coordination';
import { createDeliveryQueue, createExportQueue } from '@fluxquery/export-job';
import { createLogger, type Logger } from '@fluxquery/logger';
import { createMailer } from '@fluxquery/mailer';
import { createWorkerMetrics, type WorkerMetrics } from '@fluxquery/metrics';
import { createSessionPool, keyAccessFor, pingDatabase } from '@fluxquery/mysql-source';
import type { ExportDeps } from '@fluxquery/pipeline';
import { createStorage, type AnyStorage } from '@fluxquery/storage';
import { Redis } from 'ioredis';
import { existsSync } from 'node:fs';
import { createDeliveriesWorker } from './deliveries-worker';
import { createExportWorker } from './export-worker';
import { mailerOptionsFor } from './mailer-options';
import { startMetricsServer, type WorkerProbes } from './metrics-server';
import { warnAboutEviction, warnAboutPersistence } from './redis-checks';
import { checkAccountGrants, warnAboutDevelopmentSecrets } from './start-up-checks';
import { startRetention } from './retention';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger({ service: 'worker', level: config.logLevel });
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const storage = await openStorage(config, logger);
  const stopRetention = startRetention(storage, config.fileRetentionMs, logger);

  // MAX_DB_CONCURRENCY holds across every worker process: BullMQ's global concurrency caps the
  // active export jobs queue-wide, and each job runs exactly one query.
  const queueOptions = {
    connection,
    prefix: config.queuePrefix,
    retentionMs: config.jobRetentionMs,
    retentionCount: config.jobRetentionCount,
  };
  // The queue stays open: a key's freed slot promotes its oldest parked job through it.
  const exportQueue = createExportQueue(queueOptions);
  await exportQueue.setGlobalConcurrency(config.maxDbConcurrency);
  const deliveryQueue = createDeliveryQueue(queueOptions);

  const mailOptions = mailerOptionsFor(config);
  if (mailOptions.transport === 'none') {
    logger.warn('mail.disabled', { advice: 'set SMTP_HOST: no export will be emailed, statuses say "disabled"' });
  }
  const mailer = createMailer(mailOptions);
  const metrics = createWorkerMetrics();
  const shutdown = new AbortController();
  // Each running export holds one session; a finished one is kept for the next (reset first).
  const sessions = createSessionPool(config.mysql, { maxIdle: config.workerCount });
  const exportWorker = createExportWorker(
    {
      mysql: config.mysql,
      sessions,
      ...(config.mysqlKeyRoles ? { accessFor: accessForKeys(config) } : {}),
      storage,
      logger,
      isCompressedByDefault: config.compression,
      timeoutMs: config.limits.timeoutMs,
      deliveries: deliveryQueue,
      links: config.downloadLinks,
      cancelFlags: createCancelFlags(connection, `${config.queuePrefix}:fq`),
      keySlots: createKeySlots(connection, exportQueue, `${config.queuePrefix}:fq`),
      sealSecret: config.jobSealSecret,
      metrics,
      shutdown: shutdown.signal,
      clients: config.clients,
      defaultSchema: config.mysql.database,
    },
    { connection, prefix: config.queuePrefix, stallMs: config.workerStallMs, concurrency: config.workerCount },
  );
  const deliveryWorker = createDeliveriesWorker(
    {
      sealSecret: config.jobSealSecret,
      metrics,
      storage,
      mailer,
      logger,
      links: config.downloadLinks,
      attachFile: config.email.attachFile,
      maxMessageBytes: config.email.maxMessageBytes,
      clients: config.clients,
      callbacks: config.callbacks,
    },
    { connection, prefix: config.queuePrefix, stallMs: config.workerStallMs },
  );
  warnAboutDevelopmentSecrets(config, logger);
  await checkAccountGrants(config, logger);
  await warnAboutEviction(connection, logger);
  await warnAboutPersistence(connection, logger);
  const probes = startMetricsServerIf(config, metrics, logger, {
    checkReady: async () => {
      await pingDatabase(config.mysql);
      await storage.check();
    },
  });
  logger.info('worker.started', {
    concurrency: config.workerCount,
    mysql: describeMysql(config.mysql),
    storage:
      config.storage.kind === 'local' ? config.storage.root : `s3://${config.storage.bucket}/${config.storage.prefix}`,
    mail: mailOptions.transport === 'smtp' ? `${mailOptions.host}:${mailOptions.port}` : mailOptions.transport,
  });

  let isStopping = false;
  const stop = (signal: string): void => {
    if (isStopping) {
      logger.warn('worker.forced_stop', { signal });
      process.exit(1);
    }
    isStopping = true;
    // Drain: no new job starts; running exports and deliveries may finish within
    // WORKER_SHUTDOWN_GRACE, then the exports still running are stopped, their partial files
    // removed, and the jobs handed back to the queue for another worker. A second signal exits at
    // once; BullMQ then hands the unfinished jobs on as stalled.
    logger.info('worker.draining', { signal, graceMs: config.workerShutdownGraceMs });
    setTimeout(() => {
      logger.warn('worker.grace_over', { advice: 'running exports are handed back to the queue' });
      shutdown.abort();
    }, config.workerShutdownGraceMs).unref();
    stopRetention();
    probes?.close();
    Promise.all([exportWorker.close(), deliveryWorker.close()])
      .then(() => Promise.all([deliveryQueue.close(), exportQueue.close()]))
      .then(() => {
        sessions.close();
        mailer.close();
        logger.info('worker.stopped');
      })
      .catch((error: unknown) => logger.error('worker.stop_failed', { error }))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The store must work before any job is taken: a wrong bucket or endpoint stops the worker with the reason. */
async function openStorage(config: Config, logger: Logger): Promise<AnyStorage> {
  const storage = createStorage(config.storage);
  await storage.check();
  if (storage.kind === 'local') {
    // No export outlives its time limit (the longest of any key's), so older partial files belong
    // to a worker that died.
    const swept = await storage.sweepPartials(longestTimeoutMs(config) + 60_000);
    if (swept > 0) logger.info('storage.partials_swept', { count: swept });
  }
  return storage;
}

function startMetricsServerIf(config: Readonly<Config>, metrics: WorkerMetrics, logger: Logger, probes: WorkerProbes) {
  const port = config.metricsPort;
  if (port === 0) return undefined;
  return startMetricsServer(
    port,
    metrics,
    probes,
    (error) =>
      logger.warn('metrics.server_failed', {
        port,
        error: error.message,
        advice: 'set METRICS_PORT to a free port, or 0',
      }),
    config.metricsHost,
  );
}

/** Each key's role on the session, made from CLIENT_KEYS (MYSQL_KEY_ROLES). */
function accessForKeys(config: Readonly<Config>): ExportDeps['accessFor'] {
  const keys = config.clients.map((client) => ({ keyId: client.keyId, schemas: client.allowedSchemas }));
  return keyAccessFor(config.mysql.user, config.mysql.database, keys, DEFAULT_KEY_ID);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
