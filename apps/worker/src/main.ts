import { describeMysql, loadConfig } from '@fluxquery/config';
import { createExportQueue } from '@fluxquery/export-job';
import { createLogger } from '@fluxquery/logger';
import { createLocalStorage } from '@fluxquery/storage';
import { Redis } from 'ioredis';
import { existsSync } from 'node:fs';
import { createExportWorker } from './export-worker';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger({ service: 'worker', level: config.logLevel });
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const storage = createLocalStorage({ root: config.storage.localPath });

  // No export outlives its time limit, so older partial files belong to a worker that died.
  const swept = await storage.sweepPartials(config.defaultTimeoutMs + 60_000);
  if (swept > 0) logger.info('storage.partials_swept', { count: swept });

  // MAX_DB_CONCURRENCY holds across every worker process: BullMQ's global concurrency caps the
  // active export jobs queue-wide, and each job runs exactly one query.
  const queue = createExportQueue({ connection, retentionMs: config.jobRetentionMs });
  await queue.setGlobalConcurrency(config.maxDbConcurrency);
  await queue.close();

  const worker = createExportWorker(
    {
      mysql: config.mysql,
      storage,
      logger,
      isCompressedByDefault: config.compression,
      timeoutMs: config.defaultTimeoutMs,
    },
    { connection, concurrency: config.workerCount },
  );
  logger.info('worker.started', {
    concurrency: config.workerCount,
    mysql: describeMysql(config.mysql),
    storage: config.storage.localPath,
  });

  let isStopping = false;
  const stop = (signal: string): void => {
    if (isStopping) {
      logger.warn('worker.forced_stop', { signal });
      process.exit(1);
    }
    isStopping = true;
    // Drain: running exports finish, no new ones start. A second signal forces the exit;
    // BullMQ then hands the unfinished jobs to another worker as stalled.
    logger.info('worker.draining', { signal });
    worker
      .close()
      .then(() => logger.info('worker.stopped'))
      .catch((error: unknown) => logger.error('worker.stop_failed', { error }))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
