// Request signing in plain Node (no dependencies), written from docs/signing.md alone.
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** v1: lowercase hex HMAC-SHA256 of METHOD + PATH + BODY + TIMESTAMP, no separators. */
export function signV1({ secret, method, path, body, timestamp }) {
  return createHmac('sha256', secret).update(`${method}${path}${body}${timestamp}`).digest('hex');
}

/** v2: "v2=" + hex HMAC-SHA256 of eight lines: v2, method, path, query, timestamp, nonce, key id, sha256(body). */
export function signV2({ secret, keyId, method, path, query, timestamp, nonce, body }) {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const stringToSign = ['v2', method, path, query, timestamp, nonce, keyId, bodyHash].join('\n');
  return `v2=${createHmac('sha256', secret).update(stringToSign).digest('hex')}`;
}

/** The headers of a v2-signed request; `url` may carry a query string. */
export function v2Headers({ secret, keyId, method, url, body = '' }) {
  const [path, query = ''] = url.split('?');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  return {
    'X-Key-Id': keyId,
    'X-Timestamp': timestamp,
    'X-Nonce': nonce,
    'X-Signature': signV2({ secret, keyId, method, path, query, timestamp, nonce, body }),
  };
}
