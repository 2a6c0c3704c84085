import {
  DELIVERY_QUEUE_NAME,
  queueKeyPrefix,
  isEmailJob,
  isWebhookJob,
  type DeliveryWorker,
  type FollowUpJob,
} from '@fluxquery/export-job';
import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { EmailDeps } from './send-email';
import { processEmailJob } from './email.processor';
import { processWebhookJob, type WebhookDeps } from './webhook.processor';

export interface DeliveriesWorkerOptions {
  connection: ConnectionOptions;
  prefix?: string;
  /** How long a job's lock lasts without renewal: a dead worker's jobs move on after about this. */
  stallMs?: number;
  /** Messages and webhooks sent at once by this process; they wait on the network, not on the database. */
  concurrency?: number;
}

/** The deliveries queue's worker: emails, and the webhooks of requests with a callback_url. */
export function createDeliveriesWorker(
  deps: EmailDeps & Omit<WebhookDeps, 'logger' | 'metrics' | 'sealSecret'>,
  options: DeliveriesWorkerOptions,
): DeliveryWorker {
  const worker: DeliveryWorker = new Worker(
    DELIVERY_QUEUE_NAME,
    (job: FollowUpJob) => {
      if (isWebhookJob(job)) return processWebhookJob(deps, job);
      if (isEmailJob(job)) return processEmailJob(deps, job);
      // Only the service queues here (and seals what it queues): a job of another name is refused.
      throw new UnrecoverableError(`the deliveries queue has no job named ${job.name}`);
    },
    {
      connection: options.connection,
      prefix: queueKeyPrefix(options.prefix ?? 'bull', DELIVERY_QUEUE_NAME),
      ...(options.stallMs ? { lockDuration: options.stallMs, stalledInterval: options.stallMs } : {}),
      concurrency: options.concurrency ?? 4,
    },
  );
  worker.on('error', (error) => deps.logger.error('delivery_worker.error', { error: error.message }));
  return worker;
}
