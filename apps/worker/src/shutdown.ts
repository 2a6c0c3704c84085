import type { Config } from '@fluxquery/config';
import type { Logger } from '@fluxquery/logger';
import type { WorkerDeps, startWorkers } from './worker-deps';

interface Running {
  workers: ReturnType<typeof startWorkers>;
  stopRetention: () => void;
  probes?: { close(): void } | undefined;
}

/**
 * SIGTERM or SIGINT drains the process: no new job starts; running exports and deliveries may
 * finish within WORKER_SHUTDOWN_GRACE, then the exports still running are stopped, their partial
 * files removed, and the jobs handed back to the queue for another worker. A second signal exits
 * at once; BullMQ then hands the unfinished jobs on as stalled.
 */
export function stopOnSignals(config: Readonly<Config>, deps: WorkerDeps, running: Running, logger: Logger): void {
  let isStopping = false;
  const stop = (signal: string): void => {
    if (isStopping) {
      logger.warn('worker.forced_stop', { signal });
      process.exit(1);
    }
    isStopping = true;
    logger.info('worker.draining', { signal, graceMs: config.workerShutdownGraceMs });
    setTimeout(() => {
      logger.warn('worker.grace_over', { advice: 'running exports are handed back to the queue' });
      deps.shutdown.abort();
    }, config.workerShutdownGraceMs).unref();
    running.stopRetention();
    running.probes?.close();
    Promise.all([running.workers.exports.close(), running.workers.deliveries.close(), running.workers.ticks.close()])
      .then(() => Promise.all([deps.deliveryQueue.close(), deps.exportQueue.close(), deps.ticks.close()]))
      .then(() => {
        deps.sessions.close();
        deps.mailer.close();
        logger.info('worker.stopped');
      })
      .catch((error: unknown) => logger.error('worker.stop_failed', { error }))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
