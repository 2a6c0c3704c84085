import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  signV1,
  signV2,
  stringToSignV2,
  verifyRequest,
  type SignedRequest,
  type SignV1Input,
  type SignV2Input,
  type VerifyOptions,
} from './index';

// The published vectors (docs/signing-vectors.json); the examples check the same file.
type Named<T> = T & { name: string; body: string; signature: string };
const VECTORS = JSON.parse(readFileSync(path.join(__dirname, '../../../docs/signing-vectors.json'), 'utf8')) as {
  v1: Named<SignV1Input>[];
  v2: Named<SignV2Input & { stringToSign: string }>[];
};
const V1 = VECTORS.v1[0]!;
const V2 = VECTORS.v2[0]!;

const KEYS: Record<string, string[]> = {
  default: [V1.secret],
  [V2.keyId]: [V2.secret],
  rotating: ['old-secret-0123456789', 'new-secret-0123456789'],
};
const options = (overrides: Partial<VerifyOptions> = {}): VerifyOptions => ({
  defaultKeyId: 'default',
  findSecrets: (keyId) => KEYS[keyId],
  nowSeconds: Number(V2.timestamp),
  windowSeconds: 300,
  ...overrides,
});

const v1Request = (overrides: Partial<SignedRequest> = {}, headers: Partial<SignedRequest['headers']> = {}) => ({
  method: V1.method,
  path: V1.path,
  query: '',
  body: Buffer.from(V1.body),
  ...overrides,
  headers: { timestamp: V1.timestamp, signature: V1.signature, keyId: undefined, nonce: undefined, ...headers },
});
const v2Request = (overrides: Partial<SignedRequest> = {}, headers: Partial<SignedRequest['headers']> = {}) => ({
  method: V2.method,
  path: V2.path,
  query: V2.query,
  body: Buffer.from(V2.body),
  ...overrides,
  headers: { timestamp: V2.timestamp, signature: V2.signature, keyId: V2.keyId, nonce: V2.nonce, ...headers },
});

describe('the published test vectors', () => {
  it.each(VECTORS.v1)('v1 $name', (vector) => {
    expect(signV1(vector)).toBe(vector.signature);
  });
  it.each(VECTORS.v2)('v2 $name', (vector) => {
    expect(stringToSignV2(vector)).toBe(vector.stringToSign);
    expect(signV2(vector)).toBe(vector.signature);
  });
});

describe('v1', () => {
  it('accepts the vector with the default key, at both edges of the window', () => {
    const now = Number(V1.timestamp);
    for (const nowSeconds of [now, now - 300, now + 300]) {
      expect(verifyRequest(v1Request(), options({ nowSeconds }))).toEqual({
        ok: true,
        scheme: 'v1',
        keyId: 'default',
        replayId: `v1:default:${V1.signature}`,
      });
    }
  });

  it.each([
    ['the body', { body: Buffer.from(V1.body.replace('10', '11')) }, {}],
    ['the path', { path: '/export/' }, {}],
    ['the method', { method: 'PUT' }, {}],
    ['the timestamp', {}, { timestamp: String(Number(V1.timestamp) + 1) }],
    ['the key id (another key signs nothing it did not sign)', {}, { keyId: V2.keyId }],
  ])('refuses a change to %s', (_field, overrides, headers) => {
    expect(verifyRequest(v1Request(overrides, headers), options({ nowSeconds: Number(V1.timestamp) }))).toEqual({
      ok: false,
      failure: 'signature-mismatch',
    });
  });
});

describe('v2', () => {
  it('accepts the vector, and names the nonce for the replay store', () => {
    expect(verifyRequest(v2Request(), options())).toEqual({
      ok: true,
      scheme: 'v2',
      keyId: V2.keyId,
      replayId: `v2:${V2.keyId}:${V2.nonce}`,
    });
  });

  it.each([
    ['the method', { method: 'PUT' }, {}],
    ['the path', { path: '/export/x' }, {}],
    ['the query', { query: 'a=1' }, {}],
    ['the body', { body: Buffer.from(V2.body + ' ') }, {}],
    ['the timestamp', {}, { timestamp: String(Number(V2.timestamp) - 1) }],
    ['the nonce', {}, { nonce: V2.nonce.replace('5f', '6f') }],
    ['the key id', {}, { keyId: 'default' }],
  ])('refuses a change to %s', (_field, overrides, headers) => {
    expect(verifyRequest(v2Request(overrides, headers), options())).toEqual({
      ok: false,
      failure: 'signature-mismatch',
    });
  });

  it('accepts either secret of a key being rotated, and refuses a retired one', () => {
    const sign = (secret: string) =>
      v2Request({}, { keyId: 'rotating', signature: signV2({ ...V2, keyId: 'rotating', secret }) });
    expect(verifyRequest(sign('old-secret-0123456789'), options())).toMatchObject({ ok: true });
    expect(verifyRequest(sign('new-secret-0123456789'), options())).toMatchObject({ ok: true });
    expect(verifyRequest(sign('retired-secret-0123456789'), options())).toEqual({
      ok: false,
      failure: 'signature-mismatch',
    });
  });
});

describe('malformed and hostile headers', () => {
  const hex = V2.signature.slice(3);
  it.each([
    ['no signature', v2Request({}, { signature: undefined }), 'missing-headers'],
    ['no timestamp', v2Request({}, { timestamp: undefined }), 'missing-headers'],
    ['v2 without a nonce', v2Request({}, { nonce: undefined }), 'missing-headers'],
    ['v2 without a key id', v2Request({}, { keyId: undefined }), 'missing-headers'],
    [
      'a timestamp 301 s in the past',
      v2Request({}, { timestamp: String(Number(V2.timestamp) - 301) }),
      'timestamp-out-of-window',
    ],
    [
      'a timestamp 301 s in the future',
      v2Request({}, { timestamp: String(Number(V2.timestamp) + 301) }),
      'timestamp-out-of-window',
    ],
    ['a millisecond timestamp', v2Request({}, { timestamp: `${V2.timestamp}000` }), 'malformed-timestamp'],
    ['a fractional timestamp', v2Request({}, { timestamp: `${V2.timestamp}.5` }), 'malformed-timestamp'],
    ['a negative timestamp', v2Request({}, { timestamp: `-${V2.timestamp}` }), 'malformed-timestamp'],
    ['uppercase hex', v2Request({}, { signature: `v2=${hex.toUpperCase()}` }), 'malformed-signature'],
    ['bad hex', v2Request({}, { signature: `v2=${hex.slice(0, 62)}zz` }), 'malformed-signature'],
    ['a short signature', v2Request({}, { signature: `v2=${hex.slice(0, 62)}` }), 'malformed-signature'],
    ['a long signature', v2Request({}, { signature: `v2=${hex}00` }), 'malformed-signature'],
    ['a second signature appended', v2Request({}, { signature: `v2=${hex},v2=${hex}` }), 'malformed-signature'],
    [
      'a v1 signature with a sha256= prefix',
      v1Request({}, { signature: `sha256=${V1.signature}` }),
      'malformed-signature',
    ],
    ['v1 uppercase hex', v1Request({}, { signature: V1.signature.toUpperCase() }), 'malformed-signature'],
    ['an unknown key id', v2Request({}, { keyId: 'nobody' }), 'unknown-key'],
    ['a key id with a newline', v2Request({}, { keyId: 'billing\nx' }), 'malformed-key-id'],
    ['a short nonce', v2Request({}, { nonce: 'abc' }), 'malformed-nonce'],
    ['a nonce with a newline', v2Request({}, { nonce: `${V2.nonce}\nx` }), 'malformed-nonce'],
    ['a nonce with a character before it', v2Request({}, { nonce: `!${V2.nonce}` }), 'malformed-nonce'],
    // Buffer.from(…, 'hex') would drop the odd last digit and read the rest as the real MAC.
    ['v1 with a 65th hex digit', v1Request({}, { signature: `${V1.signature}0` }), 'malformed-signature'],
    ['v1 with a character before it', v1Request({}, { signature: `0${V1.signature}` }), 'malformed-signature'],
  ])('refuses %s', (_case, request, failure) => {
    const nowSeconds = request.headers.keyId === undefined ? Number(V1.timestamp) : Number(V2.timestamp);
    expect(verifyRequest(request, options({ nowSeconds }))).toEqual({ ok: false, failure });
  });
});

describe('keys', () => {
  it('treats a key with no active secret as unknown, not as a wrong signature', () => {
    expect(verifyRequest(v2Request(), options({ findSecrets: () => [] }))).toEqual({
      ok: false,
      failure: 'unknown-key',
    });
  });
});
