import { createHmac } from 'node:crypto';

export interface SignV1Input {
  secret: string;
  method: string;
  /** The URL path as sent, without the query string. */
  path: string;
  /** The raw request bytes; empty for GET and DELETE. */
  body: Buffer | string;
  /** Unix seconds, exactly as sent in X-Timestamp. */
  timestamp: string;
}

/** v1, the existing clients' scheme: hex HMAC-SHA256 of METHOD + PATH + BODY + TIMESTAMP, no separators. */
export function signV1(input: SignV1Input): string {
  return createHmac('sha256', input.secret)
    .update(input.method.toUpperCase())
    .update(input.path)
    .update(input.body)
    .update(input.timestamp)
    .digest('hex');
}
