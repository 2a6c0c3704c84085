import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The unsubscribe link's token: `<subscription id>.<HMAC>`, the HMAC over the id and the address
 * it was sent to, with the download-link secret. It never expires (a person may act on an old
 * email), and stops working when the subscription's recipient changes.
 */
export function unsubscribeToken(secret: string, subscriptionId: string, email: string): string {
  return `${subscriptionId}.${mac(secret, subscriptionId, email).toString('base64url')}`;
}

/** The subscription a token names, before its recipient is known; undefined for no token at all. */
export function tokenSubscriptionId(token: string): string | undefined {
  const match = /^([A-Za-z0-9_-]{1,64})\.[A-Za-z0-9_-]{43}$/.exec(token);
  return match?.[1];
}

export function isUnsubscribeTokenFor(secret: string, token: string, subscriptionId: string, email: string): boolean {
  const given = Buffer.from(token.slice(token.indexOf('.') + 1), 'base64url');
  const expected = mac(secret, subscriptionId, email);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function mac(secret: string, subscriptionId: string, email: string): Buffer {
  return createHmac('sha256', secret)
    .update(`fluxquery-unsubscribe-v1\n${subscriptionId}\n${email.toLowerCase()}`)
    .digest();
}
