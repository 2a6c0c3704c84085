import type { ExportStatusBody } from '@fluxquery/client';
import { deliveryForFailure, deliveryForResult, type SubscriptionMailFacts } from './delivery-job';
import type { ExportJobData, ExportJobResult } from './export-job';
import { addDelivery, addWebhook, type DeliveryQueue } from './job-catalog';
import { webhookFor } from './webhook-job';

/** How an export ended: with its file, or with the reason it has none (a failure, a cancel). */
export type ExportOutcome = { result: ExportJobResult } | { failure: { code: string; message: string } };

export interface ExportEnd {
  exportJobId: string;
  data: ExportJobData;
  outcome: ExportOutcome;
  /** The final status a webhook carries; called only when the request has a callback_url. */
  finalStatus: () => ExportStatusBody;
  /** A subscription's run: its email names the subscription and carries its unsubscribe link. */
  subscription?: SubscriptionMailFacts;
}

export type FollowUp = 'email' | 'webhook';

/** A follow-up the deliveries queue did not take, with Redis's error. */
export interface FollowUpFailure {
  followUp: FollowUp;
  error: unknown;
}

/**
 * What follows an export, queued in one place whoever sees it end (the worker, when the export
 * completes or fails for the last time; the api, for a job cancelled while it waited): the email
 * (the file, a link, or the reason), and the webhook when the request has a callback_url. Both are
 * sealed and one per export, so queueing them twice sends nothing twice. Both are tried whatever
 * happens to the other; the ones the queue refused come back, for the caller to log or to answer.
 */
export async function queueFollowUps(
  queue: DeliveryQueue,
  sealSecret: string,
  end: ExportEnd,
): Promise<FollowUpFailure[]> {
  const { exportJobId, data, outcome } = end;
  const failures: FollowUpFailure[] = [];
  const plain =
    'result' in outcome
      ? deliveryForResult(exportJobId, data, outcome.result)
      : deliveryForFailure(exportJobId, data, outcome.failure);
  const email = end.subscription ? { ...plain, subscription: end.subscription } : plain;
  await addDelivery(queue, sealSecret, email).catch((error: unknown) => failures.push({ followUp: 'email', error }));
  const webhook = data.callbackUrl ? webhookFor(exportJobId, data, end.finalStatus()) : undefined;
  if (webhook) {
    await addWebhook(queue, sealSecret, webhook).catch((error: unknown) =>
      failures.push({ followUp: 'webhook', error }),
    );
  }
  return failures;
}
