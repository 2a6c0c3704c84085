import { signV2 } from '@fluxquery/signing';
import { randomBytes } from 'node:crypto';

export interface WebhookToSign {
  /** The key's current secret (its first). */
  secret: string;
  keyId: string;
  url: URL;
  body: string;
  /** X-FluxQuery-Event: export.completed, export.failed or export.cancelled. */
  event: string;
  /** The same for every attempt of one notice, so that a receiver can drop repeats. */
  deliveryId: string;
  /** Unix seconds and a fresh nonce per attempt; tests fix them. */
  timestamp?: string;
  nonce?: string;
}

/**
 * A webhook is signed with a v2 request's fields under its own label (docs/webhooks.md):
 * `fluxquery-webhook`, POST, the callback URL's path and query, X-Timestamp, X-Nonce, X-Key-Id and
 * the sha256 of the body, HMAC-SHA256 with the key's secret. The label keeps a received webhook
 * from being a valid request to the api. A receiver verifies it with `verifyWebhook`, and should
 * keep the nonces it saw within the time window, as the api does.
 */
export function webhookHeaders(input: WebhookToSign): Record<string, string> {
  const timestamp = input.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const signature = signV2(
    {
      secret: input.secret,
      keyId: input.keyId,
      method: 'POST',
      path: input.url.pathname,
      query: input.url.search.replace(/^\?/, ''),
      timestamp,
      nonce,
      body: input.body,
    },
    'fluxquery-webhook',
  );
  return {
    'X-Key-Id': input.keyId,
    'X-Timestamp': timestamp,
    'X-Nonce': nonce,
    'X-Signature': signature,
    'X-FluxQuery-Event': input.event,
    'X-FluxQuery-Delivery': input.deliveryId,
  };
}
