import { createHash, createHmac } from 'node:crypto';

export interface SignV2Input {
  secret: string;
  keyId: string;
  method: string;
  /** The URL path as sent, without the query string. */
  path: string;
  /** The query string as sent, without the `?`; empty when there is none. */
  query: string;
  /** Unix seconds, exactly as sent in X-Timestamp. */
  timestamp: string;
  /** As sent in X-Nonce: 16 to 128 of A-Z a-z 0-9 _ -, never reused. */
  nonce: string;
  /** The raw request bytes; empty for GET and DELETE. */
  body: Buffer | string;
}

/**
 * What the first line of the string to sign says it is: a request to the api (`v2`), or a webhook
 * from it (`fluxquery-webhook`). A webhook's receiver holds the key's secret too: with one label
 * for both, a webhook it received would be a valid signed POST to the api (same key, path chosen
 * by the client), which it could replay within the time window.
 */
export type SignatureLabel = 'v2' | 'fluxquery-webhook';

/**
 * v2's string to sign: the label, method, path, query, timestamp, nonce, key id and the hex sha256
 * of the body, one per line, with no trailing newline. Every field is bound, and the body is
 * hashed so that the string stays small and unambiguous.
 */
export function stringToSignV2(input: Omit<SignV2Input, 'secret'>, label: SignatureLabel = 'v2'): string {
  return [
    label,
    input.method.toUpperCase(),
    input.path,
    input.query,
    input.timestamp,
    input.nonce,
    input.keyId,
    createHash('sha256').update(input.body).digest('hex'),
  ].join('\n');
}

/** The X-Signature header's value: `v2=` and the lowercase hex HMAC-SHA256 of stringToSignV2. */
export function signV2(input: SignV2Input, label: SignatureLabel = 'v2'): string {
  return `v2=${createHmac('sha256', input.secret).update(stringToSignV2(input, label)).digest('hex')}`;
}
