import { verifyRequest, type VerifyResult } from './verify-request';

// A webhook is signed with v2's fields under its own label (sign-v2.ts), so that it is never a
// valid request to the api; its receiver checks it the same way.

export interface ReceivedWebhook {
  /** The path and query the receiver was called on, as in its request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** For receivers of webhooks: checks a webhook's signature with the key's secret(s), within ±windowSeconds. */
export function verifyWebhook(
  received: ReceivedWebhook,
  secrets: readonly string[],
  options: { nowSeconds?: number; windowSeconds?: number } = {},
): VerifyResult {
  const header = (name: string) => {
    const value = received.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const mark = received.url.indexOf('?');
  const path = mark === -1 ? received.url : received.url.slice(0, mark);
  const query = mark === -1 ? '' : received.url.slice(mark + 1);
  return verifyRequest(
    {
      method: 'POST',
      path,
      query,
      body: received.body,
      headers: {
        timestamp: header('X-Timestamp'),
        signature: header('X-Signature'),
        keyId: header('X-Key-Id'),
        nonce: header('X-Nonce'),
      },
    },
    {
      // Stryker disable next-line StringLiteral: a webhook names its key (v2); a v1-shaped one is refused first.
      defaultKeyId: '',
      findSecrets: () => secrets,
      nowSeconds: options.nowSeconds ?? Math.floor(Date.now() / 1000),
      windowSeconds: options.windowSeconds ?? 300,
      label: 'fluxquery-webhook',
    },
  );
}
