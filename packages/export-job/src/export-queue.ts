import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { type EXPORT_JOB_NAME, EXPORT_QUEUE_NAME, type ExportJobData, type ExportJobResult } from './export-job';

export type ExportQueue = Queue<ExportJobData, ExportJobResult, typeof EXPORT_JOB_NAME>;

export interface ExportQueueOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix; tests give each file its own. */
  prefix?: string;
  /** How long finished jobs stay pollable. */
  retentionMs: number;
}

export function exportJobOptions(retentionMs: number): JobsOptions {
  const age = Math.ceil(retentionMs / 1000);
  return {
    // Transient failures (a lost connection, a full disk freed later) get two more tries;
    // permanent ones are thrown as UnrecoverableError by the worker and fail at once.
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age },
    removeOnFail: { age },
  };
}

export function createExportQueue(options: ExportQueueOptions): ExportQueue {
  return new Queue<ExportJobData, ExportJobResult, typeof EXPORT_JOB_NAME>(EXPORT_QUEUE_NAME, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    defaultJobOptions: exportJobOptions(options.retentionMs),
  });
}
