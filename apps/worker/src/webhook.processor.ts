import type { ClientKey } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import { parseWebhookJobData, type WebhookJob, type WebhookJobResult } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';
import { assertFollowUpSealed } from './trusted-job';
import type { WorkerMetrics } from '@fluxquery/metrics';
import { checkCallbackUrl, postWebhook, webhookHeaders } from '@fluxquery/webhooks';
import { failDelivery } from './job-failure';

export interface WebhookDeps {
  /** JOB_SEAL_SECRET: a webhook is called only when the api or a worker queued it unchanged. */
  sealSecret: string;
  /** The keys, for the secret that signs and the hosts a key's callbacks may reach. */
  clients: readonly ClientKey[];
  /** https only in production; loopback only in development (APP_ENV). */
  callbacks: { requireHttps: boolean; allowLoopback: boolean };
  logger: Logger;
  metrics?: WorkerMetrics;
  /** The whole call; default 5 s. */
  webhookTimeoutMs?: number;
}

/**
 * Calls the export's callback_url with its final status, signed with the key's current secret.
 * The URL is checked again (the key's allow-list may have changed since it was queued) and its
 * host's addresses are checked when it is called. A receiver that is down, slow or answers
 * 5xx/429 is retried with backoff; a 4xx, a redirect or a forbidden address fails at once.
 */
export async function processWebhookJob(deps: WebhookDeps, job: WebhookJob): Promise<WebhookJobResult> {
  const logger = deps.logger.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
  try {
    assertFollowUpSealed(deps.sealSecret, job.id, job.data, 'webhook');
    const data = parseWebhookJobData(job.data);
    const client = deps.clients.find((candidate) => candidate.keyId === data.keyId);
    const secret = client?.secrets[0];
    if (!client || !secret) throw new AppError('INVALID_JOB', `the webhook names the unknown key "${data.keyId}"`);
    const policy = {
      ...deps.callbacks,
      ...(client.allowedCallbackHosts ? { allowedHosts: client.allowedCallbackHosts } : {}),
    };
    const url = checkCallbackUrl(data.callbackUrl, policy);
    const body = JSON.stringify(data.status);
    const headers = webhookHeaders({
      secret,
      keyId: data.keyId,
      url,
      body,
      event: data.event,
      deliveryId: data.deliveryId,
    });
    const answer = await postWebhook({
      url,
      body,
      headers,
      policy,
      ...(deps.webhookTimeoutMs ? { timeoutMs: deps.webhookTimeoutMs } : {}),
    });
    deps.metrics?.deliveries.inc({ outcome: 'sent', method: 'webhook' });
    logger.info('webhook.sent', { exportJobId: data.exportJobId, event: data.event, httpStatus: answer.status });
    return { status: 'sent', httpStatus: answer.status, sentAt: new Date().toISOString() };
  } catch (error) {
    throw failDelivery(error, (cause) => new AppError('WEBHOOK_FAILED', 'the webhook could not be sent', { cause }), {
      logger,
      metrics: deps.metrics,
      event: 'webhook.failed',
      method: 'webhook',
    });
  }
}
