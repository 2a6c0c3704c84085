import { DELIVERY_QUEUE_NAME, type DeliveryWorker } from '@fluxquery/export-job';
import { Worker, type ConnectionOptions } from 'bullmq';
import type { DeliveryDeps } from './deliver-export';
import { processDeliveryJob } from './deliver.processor';

export interface DeliveryWorkerOptions {
  connection: ConnectionOptions;
  prefix?: string;
  /** How long a job's lock lasts without renewal: a dead worker's jobs move on after about this. */
  stallMs?: number;
  /** Messages sent at once by this process; they wait on SMTP, not on the database. */
  concurrency?: number;
}

export function createDeliveryWorker(deps: DeliveryDeps, options: DeliveryWorkerOptions): DeliveryWorker {
  const worker: DeliveryWorker = new Worker(DELIVERY_QUEUE_NAME, (job) => processDeliveryJob(deps, job), {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.stallMs ? { lockDuration: options.stallMs, stalledInterval: options.stallMs } : {}),
    concurrency: options.concurrency ?? 4,
  });
  worker.on('error', (error) => deps.logger.error('delivery_worker.error', { error: error.message }));
  return worker;
}
