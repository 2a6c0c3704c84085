import { DEFAULT_KEY_ID, longestTimeoutMs, type Config } from '@fluxquery/config';
import {
  connectRedis,
  createCancelFlags,
  createKeyBacklog,
  createKeySlots,
  type RedisClient,
} from '@fluxquery/coordination';
import { createTickQueue, runDepsFor, type RunDeps, type TickQueue } from '@fluxquery/subscriptions';
import { createDeliveryQueue, createExportQueue, type DeliveryQueue, type ExportQueue } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';
import { createMailer, type Mailer, type MailerOptions } from '@fluxquery/mailer';
import { createWorkerMetrics, type WorkerMetrics } from '@fluxquery/metrics';
import { createSessionPool, keyAccessFor, type SessionPool } from '@fluxquery/mysql-source';
import type { ExportDeps } from '@fluxquery/pipeline';
import { createStorage, type AnyStorage } from '@fluxquery/storage';
import { createDeliveriesWorker } from './deliveries-worker';
import { createExportWorker } from './export-worker';
import { startParkedSweep } from './parked-sweep';
import { startReconciler } from './reconcile-schedulers';
import { createTicksWorker } from './subscription-ticks-worker';
import { mailerOptionsFor } from './mailer-options';

/** What a worker process runs on, built from the configuration. */
export interface WorkerDeps {
  connection: RedisClient;
  storage: AnyStorage;
  exportQueue: ExportQueue;
  deliveryQueue: DeliveryQueue;
  mailOptions: MailerOptions;
  mailer: Mailer;
  metrics: WorkerMetrics;
  sessions: SessionPool;
  /** Aborted when the shutdown grace is over: running exports stop and are handed back. */
  shutdown: AbortController;
  /** Subscriptions' ticks (BullMQ job schedulers), and what their runs need. */
  ticks: TickQueue;
  runs: RunDeps;
}

export async function buildWorkerDeps(config: Readonly<Config>, logger: Logger): Promise<WorkerDeps> {
  const connection = connectRedis(config.redis, { maxRetriesPerRequest: null });
  const storage = await openStorage(config, logger);
  const queueOptions = {
    connection,
    prefix: config.queuePrefix,
    retentionMs: config.jobRetentionMs,
    retentionCount: config.jobRetentionCount,
  };
  // The queue stays open: a key's freed slot promotes its oldest parked job through it.
  const exportQueue = createExportQueue(queueOptions);
  // MAX_DB_CONCURRENCY holds across every worker process: BullMQ's global concurrency caps the
  // active export jobs queue-wide, and each job runs exactly one query.
  await exportQueue.setGlobalConcurrency(config.maxDbConcurrency);
  const mailOptions = mailerOptionsFor(config);
  if (mailOptions.transport === 'none') {
    logger.warn('mail.disabled', { advice: 'set SMTP_HOST: no export will be emailed, statuses say "disabled"' });
  }
  const deliveryQueue = createDeliveryQueue(queueOptions);
  const metrics = createWorkerMetrics();
  const ticks = createTickQueue(connection, config.queuePrefix);
  return {
    connection,
    storage,
    exportQueue,
    deliveryQueue,
    mailOptions,
    mailer: createMailer(mailOptions),
    metrics,
    ticks,
    runs: runDepsFor(config, {
      redis: connection,
      exports: exportQueue,
      deliveries: deliveryQueue,
      ticks,
      // One backlog for the process: a tick's export enters it, the export worker leaves it.
      backlog: createKeyBacklog(connection, `${config.queuePrefix}:fq`),
      onOutcome: (outcome) => metrics.subscriptionRuns.inc({ outcome }),
    }),
    // Each running export holds one session; a finished one is kept for the next (reset first).
    sessions: createSessionPool(config.mysql, { maxIdle: config.workerCount }),
    shutdown: new AbortController(),
  };
}

/** The export queue's worker, the deliveries queue's and the ticks', on the process's dependencies. */
export function startWorkers(config: Readonly<Config>, deps: WorkerDeps, logger: Logger) {
  const { connection, storage, metrics } = deps;
  const stallMs = config.workerStallMs;
  const keySlots = createKeySlots(connection, deps.exportQueue, `${config.queuePrefix}:fq`);
  const exports = createExportWorker(
    {
      mysql: config.mysql,
      sessions: deps.sessions,
      ...(config.mysqlKeyRoles ? { accessFor: accessForKeys(config) } : {}),
      storage,
      logger,
      isCompressedByDefault: config.compression,
      timeoutMs: config.limits.timeoutMs,
      deliveries: deps.deliveryQueue,
      links: config.downloadLinks,
      cancelFlags: createCancelFlags(connection, `${config.queuePrefix}:fq`),
      keySlots,
      backlog: deps.runs.backlog,
      sealSecret: config.jobSealSecret,
      metrics,
      shutdown: deps.shutdown.signal,
      clients: config.clients,
      defaultSchema: config.mysql.database,
      runs: deps.runs,
    },
    { connection, prefix: config.queuePrefix, stallMs, concurrency: config.workerCount },
  );
  const deliveries = createDeliveriesWorker(
    {
      sealSecret: config.jobSealSecret,
      metrics,
      storage,
      mailer: deps.mailer,
      logger,
      links: config.downloadLinks,
      attachFile: config.email.attachFile,
      maxMessageBytes: config.email.maxMessageBytes,
      clients: config.clients,
      callbacks: config.callbacks,
    },
    { connection, prefix: config.queuePrefix, stallMs },
  );
  const stopSweep = startParkedSweep(keySlots, config.clients, logger);
  exports.on('closing', stopSweep);
  const ticks = createTicksWorker({ ...deps.runs, logger }, { connection, prefix: config.queuePrefix, stallMs });
  const stopReconciler = startReconciler(deps.runs, config.subscriptions.reconcileIntervalMs, logger, metrics);
  ticks.on('closing', stopReconciler);
  return { exports, deliveries, ticks };
}

/** The store must work before any job is taken: a wrong bucket or endpoint stops the worker with the reason. */
async function openStorage(config: Readonly<Config>, logger: Logger): Promise<AnyStorage> {
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

/** Each key's role on the session, made from CLIENT_KEYS (MYSQL_KEY_ROLES). */
function accessForKeys(config: Readonly<Config>): ExportDeps['accessFor'] {
  const keys = config.clients.map((client) => ({ keyId: client.keyId, schemas: client.allowedSchemas }));
  return keyAccessFor(config.mysql.user, config.mysql.database, keys, DEFAULT_KEY_ID);
}
