import { describeMysql, loadConfig, type Config } from '@fluxquery/config';
import { createLogger, type Logger } from '@fluxquery/logger';
import type { WorkerMetrics } from '@fluxquery/metrics';
import { pingDatabase } from '@fluxquery/mysql-source';
import { existsSync } from 'node:fs';
import { startMetricsServer, type WorkerProbes } from './metrics-server';
import { warnAboutEviction, warnAboutOldKeyNames, warnAboutPersistence } from './redis-checks';
import { startRetention } from './retention';
import { stopOnSignals } from './shutdown';
import { checkAccountGrants, warnAboutDevelopmentSecrets } from './start-up-checks';
import { buildWorkerDeps, startWorkers, type WorkerDeps } from './worker-deps';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger({ service: 'worker', level: config.logLevel });
  const deps = await buildWorkerDeps(config, logger);
  const stopRetention = startRetention(deps.storage, config.fileRetentionMs, logger);
  const workers = startWorkers(config, deps, logger);
  await runStartUpChecks(config, deps, logger);
  const probes = startMetricsServerIf(config, deps.metrics, logger, {
    checkReady: async () => {
      await pingDatabase(config.mysql);
      await deps.storage.check();
    },
  });
  const mail = deps.mailOptions;
  logger.info('worker.started', {
    concurrency: config.workerCount,
    mysql: describeMysql(config.mysql),
    storage:
      config.storage.kind === 'local' ? config.storage.root : `s3://${config.storage.bucket}/${config.storage.prefix}`,
    mail: mail.transport === 'smtp' ? `${mail.host}:${mail.port}` : mail.transport,
  });
  stopOnSignals(config, deps, { workers, stopRetention, probes }, logger);
}

/** Warnings an operator should see at start, and an account that could write, which stops the worker. */
async function runStartUpChecks(config: Readonly<Config>, deps: WorkerDeps, logger: Logger): Promise<void> {
  warnAboutDevelopmentSecrets(config, logger);
  await checkAccountGrants(config, logger);
  await warnAboutEviction(deps.connection, logger);
  await warnAboutPersistence(deps.connection, logger);
  await warnAboutOldKeyNames(deps.connection, config.queuePrefix, logger);
}

function startMetricsServerIf(config: Readonly<Config>, metrics: WorkerMetrics, logger: Logger, probes: WorkerProbes) {
  const ports = { first: config.metricsPort, last: config.metricsPortLast };
  if (ports.first === 0) return undefined;
  return startMetricsServer({ host: config.metricsHost, ...ports }, metrics, probes, {
    onListening: (port) => logger.info('metrics.started', { port }),
    onError: (error) =>
      logger.warn('metrics.server_failed', {
        ports: ports.first === ports.last ? String(ports.first) : `${ports.first}-${ports.last}`,
        error: error.message,
        advice: 'set METRICS_PORT to a free port (or a range), or 0',
      }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
