import type { DownloadLinkSettings } from '@fluxquery/config';
import type { AppError } from '@fluxquery/errors';
import {
  deliveryForFailure,
  deliveryForResult,
  webhookFor,
  type DeliveryJobData,
  type ExportJob,
  type ExportJobData,
  type ExportJobResult,
  type WebhookJobData,
} from '@fluxquery/export-job';
import { describeExportJob, formatFailure } from '@fluxquery/job-status';
import type { Logger } from '@fluxquery/logger';

export interface NoticeDeps {
  /** Puts the delivery job (email) on its own queue; delivery is never part of the export. */
  enqueueDelivery(data: DeliveryJobData): Promise<void>;
  /** Puts the webhook (callback_url) on the same queue; absent: webhooks are not sent. */
  enqueueWebhook?(data: WebhookJobData): Promise<void>;
  /** For the download link in the status a webhook carries. */
  links: DownloadLinkSettings;
}

export type ExportEnd = { result: ExportJobResult } | { failure: AppError };

/**
 * Tells the requester how the export ended: the email job, and the webhook job when the request
 * had a callback_url. The file is committed whatever happens here: a queue that cannot take them
 * is logged, never allowed to fail (and so re-run) the export.
 */
export async function tellRequester(
  deps: NoticeDeps,
  logger: Logger,
  job: ExportJob,
  data: ExportJobData,
  end: ExportEnd,
): Promise<void> {
  const id = String(job.id);
  const delivery =
    'result' in end ? deliveryForResult(id, data, end.result) : deliveryForFailure(id, data, end.failure);
  await deps
    .enqueueDelivery(delivery)
    .catch((error: unknown) =>
      logger.error('delivery.enqueue_failed', { outcome: delivery.outcome, error: describe(error) }),
    );
  // The status (with its signed download link) is built only for a request that has a callback_url.
  if (!deps.enqueueWebhook || !data.callbackUrl) return;
  const webhook = webhookFor(id, data, finalStatus(deps, job, data, end));
  if (!webhook) return;
  await deps
    .enqueueWebhook(webhook)
    .catch((error: unknown) =>
      logger.error('webhook.enqueue_failed', { event: webhook.event, error: describe(error) }),
    );
}

/**
 * The status a poller will see once BullMQ has recorded the end of this attempt: built from the
 * job in hand by the same code as GET /export/:id, with the email and the webhook just queued.
 */
function finalStatus(deps: NoticeDeps, job: ExportJob, data: ExportJobData, end: ExportEnd) {
  const facts = {
    id: job.id,
    data,
    timestamp: job.timestamp,
    processedOn: job.processedOn,
    finishedOn: Date.now(),
    attemptsMade: job.attemptsMade + 1,
    progress: job.progress,
    returnvalue: 'result' in end ? end.result : undefined,
    failedReason: 'failure' in end ? formatFailure(end.failure.code, end.failure.message) : undefined,
  };
  const state = 'result' in end ? 'completed' : 'failed';
  return describeExportJob({ job: facts, state, delivery: 'queued', webhook: 'queued' }, deps.links);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
