import { createHmac, timingSafeEqual } from 'node:crypto';

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

export type VerifyFailure =
  'missing-headers' | 'malformed-timestamp' | 'timestamp-out-of-window' | 'malformed-signature' | 'signature-mismatch';

export type VerifyResult = { ok: true } | { ok: false; failure: VerifyFailure };

export interface VerifyV1Input extends Omit<SignV1Input, 'timestamp'> {
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  /** Unix seconds; the server clock. */
  nowSeconds: number;
  windowSeconds: number;
}

const TIMESTAMP = /^\d{1,12}$/;
// Strict hex before decoding: Buffer.from(x, 'hex') silently drops what it cannot read.
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export function verifyV1(input: VerifyV1Input): VerifyResult {
  const { timestampHeader, signatureHeader } = input;
  if (!timestampHeader || !signatureHeader) return { ok: false, failure: 'missing-headers' };
  if (!TIMESTAMP.test(timestampHeader)) return { ok: false, failure: 'malformed-timestamp' };
  if (Math.abs(input.nowSeconds - Number(timestampHeader)) > input.windowSeconds) {
    return { ok: false, failure: 'timestamp-out-of-window' };
  }
  if (!SHA256_HEX.test(signatureHeader)) return { ok: false, failure: 'malformed-signature' };
  const expected = Buffer.from(signV1({ ...input, timestamp: timestampHeader }), 'hex');
  const given = Buffer.from(signatureHeader, 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, failure: 'signature-mismatch' };
}
