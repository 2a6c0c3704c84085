import {
  type EXPORT_JOB_NAME,
  EXPORT_QUEUE_NAME,
  type ExportJobData,
  type ExportJobResult,
} from '@fluxquery/export-job';
import { Worker, type ConnectionOptions } from 'bullmq';
import { processExportJob } from './export.processor';
import type { ExportDeps } from './run-export';

export interface ExportWorkerOptions {
  connection: ConnectionOptions;
  prefix?: string;
  /** WORKER_COUNT: jobs run at once in this process. */
  concurrency: number;
}

export type ExportWorker = Worker<ExportJobData, ExportJobResult, typeof EXPORT_JOB_NAME>;

export function createExportWorker(deps: ExportDeps, options: ExportWorkerOptions): ExportWorker {
  const worker: ExportWorker = new Worker(
    EXPORT_QUEUE_NAME,
    (job, _token, signal) => processExportJob(deps, job, signal),
    {
      connection: options.connection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      concurrency: options.concurrency,
    },
  );
  worker.on('error', (error) => deps.logger.error('worker.error', { error: error.message }));
  return worker;
}
