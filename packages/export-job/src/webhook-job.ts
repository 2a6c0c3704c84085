import { AppError } from '@fluxquery/errors';
import type { ExportStatusBody } from '@fluxquery/client';
import Joi from 'joi';
import { randomUUID } from 'node:crypto';
import type { ExportJobData } from './export-job';

/**
 * The third stage, beside the email: when an export ends (completed, failed for good, or
 * cancelled) and its request carried `callback_url`, a webhook job on the deliveries queue POSTs
 * the final status there, signed with the key's secret, retried with backoff. The status is the
 * one a poller would have seen at that moment, frozen in the job, so every attempt sends the
 * same bytes under the same delivery id.
 */
export const WEBHOOK_SCHEMA_VERSION = 1;

export const WEBHOOK_EVENTS = ['export.completed', 'export.failed', 'export.cancelled', 'subscription.paused'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookJobData {
  schemaVersion: 1;
  /** The export's id; for a subscription's event, `pause-<subscription id>-<ms>`. */
  exportJobId: string;
  keyId: string;
  callbackUrl: string;
  event: WebhookEventName;
  /** X-FluxQuery-Delivery: the same for every attempt, so that a receiver can drop repeats. */
  deliveryId: string;
  /** The status JSON of GET /export/:id when the export ended; for `subscription.paused`, GET /subscriptions/:id's. */
  status: ExportStatusBody | Record<string, unknown>;
  seal?: string;
}

export interface WebhookJobResult {
  status: 'sent';
  /** The receiver's answer, a 2xx. */
  httpStatus: number;
  sentAt: string;
}

/** One webhook per export; the id also keeps a repeated enqueue from calling twice. */
export function webhookJobId(exportJobId: string): string {
  return `webhook-${exportJobId}`;
}

const webhookJobDataSchema = Joi.object<WebhookJobData>({
  schemaVersion: Joi.number().valid(WEBHOOK_SCHEMA_VERSION).required(),
  exportJobId: Joi.string().max(100).required(),
  keyId: Joi.string().max(64).required(),
  callbackUrl: Joi.string().max(2048).required(),
  event: Joi.string()
    .valid(...WEBHOOK_EVENTS)
    .required(),
  deliveryId: Joi.string().max(100).required(),
  status: Joi.object().unknown(true).required(),
  seal: Joi.string().hex().length(64),
});

export function parseWebhookJobData(data: unknown): WebhookJobData {
  const result = webhookJobDataSchema.validate(data, { abortEarly: false, convert: false });
  if (result.error) throw new AppError('INVALID_JOB', `the webhook job payload is invalid: ${result.error.message}`);
  return result.value;
}

/** The event a final status announces. */
export function webhookEventFor(status: string): WebhookEventName {
  return status === 'COMPLETED' ? 'export.completed' : status === 'CANCELLED' ? 'export.cancelled' : 'export.failed';
}

/** The webhook of an export that has just ended, or undefined when its request had no callback_url. */
export function webhookFor(
  exportJobId: string,
  data: ExportJobData,
  status: ExportStatusBody,
): WebhookJobData | undefined {
  if (!data.callbackUrl) return undefined;
  return {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    exportJobId,
    keyId: data.keyId ?? 'default',
    callbackUrl: data.callbackUrl,
    event: webhookEventFor(status.status),
    deliveryId: randomUUID(),
    status,
  };
}
