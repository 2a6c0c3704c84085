import { describeMysql, loadConfig, longestTimeoutMs } from '@fluxquery/config';
import { createExportQueue } from '@fluxquery/export-job';
import { createLogger, type Logger } from '@fluxquery/logger';
import { findExcessGrants, type MysqlConnectionOptions } from '@fluxquery/mysql-source';
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

  // No export outlives its time limit (the longest of any key's), so older partial files belong to
  // a worker that died.
  const swept = await storage.sweepPartials(longestTimeoutMs(config) + 60_000);
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
      timeoutMs: config.limits.timeoutMs,
      maxRows: config.limits.maxRows,
      maxBytes: config.limits.maxBytes,
    },
    { connection, concurrency: config.workerCount },
  );
  await warnAboutExcessGrants(config.mysql, logger);
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

/** The worker should read through a SELECT-only account (pnpm db:reader); say so loudly when it does not. */
async function warnAboutExcessGrants(mysql: MysqlConnectionOptions, logger: Logger): Promise<void> {
  // The database may be down at start: each job then reports that itself.
  const excess = await findExcessGrants(mysql).catch(() => []);
  if (excess.length > 0) {
    logger.warn('mysql.account_can_write', {
      user: mysql.user,
      grants: excess,
      advice: 'use a SELECT-only account for MYSQL_DSN: pnpm db:reader (docs/security.md)',
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
