import { signV1, signV2 } from '@fluxquery/signing';
import { randomBytes } from 'node:crypto';

export type SigningScheme = 'v1' | 'v2';

export interface RequestToSign {
  scheme: SigningScheme;
  secret: string;
  /** v2 only; v1 requests always use the `default` key. */
  keyId: string;
  method: string;
  /** The path as sent, with its query string if any. */
  url: string;
  body: string;
  /** Unix seconds and a nonce; fresh ones when absent. */
  timestamp?: string;
  nonce?: string;
}

/**
 * The headers that sign one request (docs/signing.md). v2 binds the method, path, query, time,
 * a fresh nonce, the key id and the body's hash; v1 is what existing clients of the Go service send.
 */
export function signatureHeaders(input: RequestToSign): Record<string, string> {
  const [path = '', query = ''] = input.url.split(/\?(.*)/s);
  const method = input.method.toUpperCase();
  const timestamp = input.timestamp ?? String(Math.floor(Date.now() / 1000));
  if (input.scheme === 'v1') {
    return {
      'X-Timestamp': timestamp,
      'X-Signature': signV1({ secret: input.secret, method, path, body: input.body, timestamp }),
    };
  }
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const signature = signV2({
    secret: input.secret,
    keyId: input.keyId,
    method,
    path,
    query,
    timestamp,
    nonce,
    body: input.body,
  });
  return { 'X-Key-Id': input.keyId, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature };
}

/** A secret for a new client key: 32 random bytes, as 64 hex characters. */
export function generateSecret(): string {
  return randomBytes(32).toString('hex');
}
