import { createHmac, timingSafeEqual } from 'node:crypto';
import { signV1 } from './sign-v1';
import { stringToSignV2, type SignatureLabel } from './sign-v2';

export interface SignedRequest {
  method: string;
  path: string;
  /** Without the `?`; empty when there is none. */
  query: string;
  body: Buffer;
  headers: {
    timestamp: string | undefined;
    signature: string | undefined;
    keyId: string | undefined;
    nonce: string | undefined;
  };
}

export interface VerifyOptions {
  /** The key v1 requests without X-Key-Id are signed with. */
  defaultKeyId: string;
  /** Every active secret of a key (more than one while it is rotated), or undefined for an unknown key. */
  findSecrets(keyId: string): readonly string[] | undefined;
  /** Unix seconds; the server clock. */
  nowSeconds: number;
  windowSeconds: number;
  /** What a v2 signature must be labelled: `v2` for requests to the api (the default), `fluxquery-webhook` for webhooks. */
  label?: SignatureLabel;
}

export type VerifyFailure =
  | 'missing-headers'
  | 'malformed-timestamp'
  | 'timestamp-out-of-window'
  | 'malformed-signature'
  | 'malformed-key-id'
  | 'malformed-nonce'
  | 'unknown-key'
  | 'signature-mismatch';

export type VerifyResult =
  | {
      ok: true;
      scheme: 'v1' | 'v2';
      keyId: string;
      /** What the replay store remembers: the nonce for v2, the signature itself for v1. */
      replayId: string;
    }
  | { ok: false; failure: VerifyFailure };

const TIMESTAMP = /^\d{1,12}$/;
// Strict lowercase hex before any decoding: Buffer.from(x, 'hex') silently drops what it cannot read.
const HEX_64 = /^[0-9a-f]{64}$/;
const V2_SIGNATURE = /^v2=([0-9a-f]{64})$/;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Checks a v1 or v2 signature: headers well-formed, timestamp inside the window, then the MAC
 * against every active secret of the key, in constant time. The replay check comes after, in the
 * api, so that only requests with a valid MAC ever reach the replay store.
 */
export function verifyRequest(request: SignedRequest, options: VerifyOptions): VerifyResult {
  const { timestamp, signature, keyId: keyIdHeader, nonce } = request.headers;
  if (!timestamp || !signature) return failed('missing-headers');
  const scheme = signature.startsWith('v2=') ? 'v2' : 'v1';
  // A webhook is only ever signed with v2's fields: a v1-shaped signature is not one.
  if (options.label === 'fluxquery-webhook' && scheme !== 'v2') return failed('malformed-signature');
  if (scheme === 'v2' && (!keyIdHeader || !nonce)) return failed('missing-headers');
  if (!TIMESTAMP.test(timestamp)) return failed('malformed-timestamp');
  if (Math.abs(options.nowSeconds - Number(timestamp)) > options.windowSeconds)
    return failed('timestamp-out-of-window');
  const hex = scheme === 'v2' ? V2_SIGNATURE.exec(signature)?.[1] : HEX_64.test(signature) ? signature : undefined;
  if (!hex) return failed('malformed-signature');
  const keyId = keyIdHeader ?? options.defaultKeyId;
  if (!KEY_ID.test(keyId)) return failed('malformed-key-id');
  // Stryker disable next-line StringLiteral: a v2 request without a nonce was refused above.
  if (scheme === 'v2' && !NONCE.test(nonce ?? '')) return failed('malformed-nonce');
  const secrets = options.findSecrets(keyId);
  if (!secrets || secrets.length === 0) return failed('unknown-key');

  const given = Buffer.from(hex, 'hex');
  let isMatch = false;
  // Every secret is tried, so the time taken does not tell which one (if any) matched.
  for (const secret of secrets) {
    const expected =
      scheme === 'v2'
        ? createHmac('sha256', secret)
            // A v2 request without a nonce was refused above.
            .update(stringToSignV2({ ...request, keyId, timestamp, nonce: nonce as string }, options.label))
            .digest()
        : Buffer.from(signV1({ secret, ...request, timestamp }), 'hex');
    isMatch = timingSafeEqual(expected, given) || isMatch;
  }
  if (!isMatch) return failed('signature-mismatch');
  return { ok: true, scheme, keyId, replayId: scheme === 'v2' ? `v2:${keyId}:${nonce}` : `v1:${keyId}:${hex}` };
}

function failed(failure: VerifyFailure): VerifyResult {
  return { ok: false, failure };
}
