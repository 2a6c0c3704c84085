import { Queue, type ConnectionOptions, type Job, type JobsOptions, type Worker } from 'bullmq';
import {
  DELIVERY_SCHEMA_VERSION,
  deliveryJobId,
  parseDeliveryJobData,
  type DeliveryJobData,
  type DeliveryJobResult,
} from './delivery-job';
import { EXPORT_SCHEMA_VERSION, parseExportJobData, type ExportJobData, type ExportJobResult } from './export-job';
import { sealJob } from './job-seal';
import {
  WEBHOOK_SCHEMA_VERSION,
  parseWebhookJobData,
  webhookJobId,
  type WebhookJobData,
  type WebhookJobResult,
} from './webhook-job';

/**
 * Every job the service runs, defined once: its queue, name, payload schema and version, result,
 * and options. The api and the worker both import these, so one type checks both sides.
 */
export const JOBS = {
  export: {
    queue: 'exports',
    name: 'export',
    schemaVersion: EXPORT_SCHEMA_VERSION,
    parse: parseExportJobData,
    // Transient failures (a lost connection, an S3 5xx) get two more tries; permanent ones are
    // thrown as UnrecoverableError by the worker and fail at once.
    attempts: 3,
    backoffMs: 5_000,
  },
  delivery: {
    queue: 'deliveries',
    name: 'email',
    schemaVersion: DELIVERY_SCHEMA_VERSION,
    parse: parseDeliveryJobData,
    // An SMTP server that is down or says 4xx gets about five minutes (10 s, 20 s, … 160 s); a
    // 5xx refusal is permanent and fails at once.
    attempts: 6,
    backoffMs: 10_000,
  },
  webhook: {
    // On the deliveries queue, beside the email: both tell the requester, neither touches the export.
    queue: 'deliveries',
    name: 'webhook',
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    parse: parseWebhookJobData,
    // A receiver that is down or answers 5xx/429 gets about 40 minutes (10 s, 20 s, … 21 min);
    // a 4xx, a redirect or a forbidden address fails at once.
    attempts: 8,
    backoffMs: 10_000,
  },
} as const;

export const EXPORT_QUEUE_NAME = JOBS.export.queue;
export const EXPORT_JOB_NAME = JOBS.export.name;
export const DELIVERY_QUEUE_NAME = JOBS.delivery.queue;
export const DELIVERY_JOB_NAME = JOBS.delivery.name;
export const WEBHOOK_JOB_NAME = JOBS.webhook.name;

/**
 * A queue's BullMQ key prefix: QUEUE_PREFIX and the queue's name in braces, a Redis Cluster hash
 * tag. BullMQ's scripts touch many keys of one queue at once, which a cluster runs only when they
 * share a slot; a tag per queue puts each queue in a slot of its own, so the queues spread over the
 * masters (BullMQ's docs, "Redis Cluster"). The same names on one node and under Sentinel, so a
 * deployment moves between topologies without renaming anything. Keys read
 * `{bull:exports}:exports:wait`; every Queue and Worker of the service takes its prefix from here.
 */
export function queueKeyPrefix(prefix: string, queue: string): string {
  return `{${prefix}:${queue}}`;
}

export type ExportQueue = Queue<ExportJobData, ExportJobResult, typeof EXPORT_JOB_NAME>;
export type ExportWorker = Worker<ExportJobData, ExportJobResult, typeof EXPORT_JOB_NAME>;
/** The deliveries queue carries both follow-ups of an export, emails and webhooks; its one worker runs both. */
export type DeliveryQueue = Queue<DeliveryJobData | WebhookJobData, DeliveryJobResult | WebhookJobResult, FollowUpName>;
export type DeliveryWorker = Worker<
  DeliveryJobData | WebhookJobData,
  DeliveryJobResult | WebhookJobResult,
  FollowUpName
>;
/** Any job of the deliveries queue, as BullMQ hands it over; `isWebhookJob` tells which. */
export type FollowUpJob = Job<DeliveryJobData | WebhookJobData, DeliveryJobResult | WebhookJobResult, FollowUpName>;
type FollowUpName = typeof DELIVERY_JOB_NAME | typeof WEBHOOK_JOB_NAME;
export type ExportJob = Job<ExportJobData, ExportJobResult, typeof EXPORT_JOB_NAME>;
export type DeliveryJob = Job<DeliveryJobData, DeliveryJobResult, typeof DELIVERY_JOB_NAME>;
export type WebhookJob = Job<WebhookJobData, WebhookJobResult, typeof WEBHOOK_JOB_NAME>;

export function isWebhookJob(job: FollowUpJob): job is FollowUpJob & WebhookJob {
  return job.name === WEBHOOK_JOB_NAME;
}

export function isEmailJob(job: FollowUpJob): job is FollowUpJob & DeliveryJob {
  return job.name === DELIVERY_JOB_NAME;
}

export interface QueueOptions {
  connection: ConnectionOptions;
  /** QUEUE_PREFIX (default `bull`), under which queueKeyPrefix names each queue; tests give each file its own. */
  prefix?: string;
  /** How long finished jobs stay pollable (JOB_RETENTION). */
  retentionMs: number;
  /** How many finished jobs each queue keeps at most (JOB_RETENTION_COUNT), whatever their age. */
  retentionCount?: number;
  /** Tests shorten the wait between attempts. */
  backoffMs?: number;
}

// About 2 KB of Redis per finished export job and 1 KB per delivery (docs/operations.md): 50,000 of
// each is about 150 MB, a bound even when a burst of small jobs comes well within JOB_RETENTION.
export const DEFAULT_RETENTION_COUNT = 50_000;

export function jobOptions(
  job: keyof typeof JOBS,
  retention: { ms: number; count?: number },
  backoffMs?: number,
): JobsOptions {
  // By age and by count: whichever limit is reached first removes the oldest finished jobs.
  const keep = { age: Math.ceil(retention.ms / 1000), count: retention.count ?? DEFAULT_RETENTION_COUNT };
  return {
    attempts: JOBS[job].attempts,
    backoff: { type: 'exponential', delay: backoffMs ?? JOBS[job].backoffMs },
    removeOnComplete: keep,
    removeOnFail: keep,
  };
}

const queueSettings = (job: keyof typeof JOBS, options: QueueOptions) => ({
  connection: options.connection,
  prefix: queueKeyPrefix(options.prefix ?? 'bull', JOBS[job].queue),
  defaultJobOptions: jobOptions(
    job,
    { ms: options.retentionMs, ...(options.retentionCount ? { count: options.retentionCount } : {}) },
    options.backoffMs,
  ),
});

export function createExportQueue(options: QueueOptions): ExportQueue {
  return new Queue(EXPORT_QUEUE_NAME, queueSettings('export', options));
}

export function createDeliveryQueue(options: QueueOptions): DeliveryQueue {
  return new Queue(DELIVERY_QUEUE_NAME, queueSettings('delivery', options));
}

/**
 * Queues a delivery, sealed (a delivery planted in Redis could mail any stored file to anyone),
 * under an id derived from the export's: one delivery per export, and a repeated add is a no-op.
 */
export async function addDelivery(queue: DeliveryQueue, sealSecret: string, data: DeliveryJobData): Promise<void> {
  const jobId = deliveryJobId(data.exportJobId);
  await queue.add(DELIVERY_JOB_NAME, sealJob(sealSecret, DELIVERY_QUEUE_NAME, jobId, data), { jobId });
}

/**
 * Queues the export's webhook on the deliveries queue, sealed (a planted webhook could make the
 * workers call any address, signed), one per export; it keeps the queue's backoff and its own
 * number of attempts.
 */
export async function addWebhook(queue: DeliveryQueue, sealSecret: string, data: WebhookJobData): Promise<void> {
  const jobId = webhookJobId(data.exportJobId);
  await queue.add(WEBHOOK_JOB_NAME, sealJob(sealSecret, DELIVERY_QUEUE_NAME, jobId, data), {
    jobId,
    attempts: JOBS.webhook.attempts,
  });
}
