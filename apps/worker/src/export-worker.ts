import { EXPORT_QUEUE_NAME, queueKeyPrefix, type ExportWorker } from '@fluxquery/export-job';
import { Worker, type ConnectionOptions } from 'bullmq';
import { processExportJob, type ExportJobDeps } from './export.processor';

export interface ExportWorkerOptions {
  connection: ConnectionOptions;
  prefix?: string;
  /** How long a job's lock lasts without renewal: a dead worker's jobs move on after about this. */
  stallMs?: number;
  /** WORKER_COUNT: jobs run at once in this process. */
  concurrency: number;
}

export function createExportWorker(deps: ExportJobDeps, options: ExportWorkerOptions): ExportWorker {
  const worker: ExportWorker = new Worker(
    EXPORT_QUEUE_NAME,
    (job, token, signal) => processExportJob(deps, job, token, signal),
    {
      connection: options.connection,
      prefix: queueKeyPrefix(options.prefix ?? 'bull', EXPORT_QUEUE_NAME),
      ...(options.stallMs ? { lockDuration: options.stallMs, stalledInterval: options.stallMs } : {}),
      concurrency: options.concurrency,
    },
  );
  worker.on('error', (error) => deps.logger.error('worker.error', { error: error.message }));
  return worker;
}
