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
 * v2's string to sign: version, method, path, query, timestamp, nonce, key id and the hex sha256
 * of the body, one per line, with no trailing newline. Every field is bound, and the body is
 * hashed so that the string stays small and unambiguous.
 */
export function stringToSignV2(input: Omit<SignV2Input, 'secret'>): string {
  return [
    'v2',
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
export function signV2(input: SignV2Input): string {
  return `v2=${createHmac('sha256', input.secret).update(stringToSignV2(input)).digest('hex')}`;
}
