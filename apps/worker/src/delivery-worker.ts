import {
  DELIVERY_QUEUE_NAME,
  WEBHOOK_JOB_NAME,
  type DeliveryJob,
  type DeliveryWorker,
  type WebhookJob,
} from '@fluxquery/export-job';
import { Worker, type ConnectionOptions } from 'bullmq';
import type { DeliveryDeps } from './deliver-export';
import { processDeliveryJob } from './deliver.processor';
import { processWebhookJob, type WebhookDeps } from './webhook.processor';

export interface DeliveryWorkerOptions {
  connection: ConnectionOptions;
  prefix?: string;
  /** How long a job's lock lasts without renewal: a dead worker's jobs move on after about this. */
  stallMs?: number;
  /** Messages and webhooks sent at once by this process; they wait on the network, not on the database. */
  concurrency?: number;
}

/** The deliveries queue's worker: emails, and the webhooks of requests with a callback_url. */
export function createDeliveryWorker(
  deps: DeliveryDeps & Omit<WebhookDeps, 'logger' | 'metrics' | 'sealSecret'>,
  options: DeliveryWorkerOptions,
): DeliveryWorker {
  const worker: DeliveryWorker = new Worker(
    DELIVERY_QUEUE_NAME,
    (job) =>
      job.name === WEBHOOK_JOB_NAME
        ? processWebhookJob(deps, job as WebhookJob)
        : processDeliveryJob(deps, job as DeliveryJob),
    {
      connection: options.connection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      ...(options.stallMs ? { lockDuration: options.stallMs, stalledInterval: options.stallMs } : {}),
      concurrency: options.concurrency ?? 4,
    },
  );
  worker.on('error', (error) => deps.logger.error('delivery_worker.error', { error: error.message }));
  return worker;
}
