import { signV1, verifyV1 } from './sign-v1';

// The test vector from ARCHITECTURE.md, which existing clients were written against.
const VECTOR = {
  secret: 'devsecret',
  method: 'POST',
  path: '/export',
  timestamp: '1767225600',
  body: '{"query":"SELECT * FROM users LIMIT 10","email":"admin@example.com","format":"csv"}',
  signature: '5e425ea41d642ab6305a4ebacf8abb692d4e7d8b9c4787b1113ccf39963cb188',
};

const verify = (overrides: Partial<Parameters<typeof verifyV1>[0]> = {}) =>
  verifyV1({
    secret: VECTOR.secret,
    method: VECTOR.method,
    path: VECTOR.path,
    body: Buffer.from(VECTOR.body),
    timestampHeader: VECTOR.timestamp,
    signatureHeader: VECTOR.signature,
    nowSeconds: Number(VECTOR.timestamp),
    windowSeconds: 300,
    ...overrides,
  });

describe('v1 signing', () => {
  it('reproduces the published test vector', () => {
    expect(signV1(VECTOR)).toBe(VECTOR.signature);
  });

  it('accepts the vector within the window, at both edges', () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ nowSeconds: Number(VECTOR.timestamp) + 300 })).toEqual({ ok: true });
    expect(verify({ nowSeconds: Number(VECTOR.timestamp) - 300 })).toEqual({ ok: true });
  });

  it('refuses a timestamp 301 s either side of the clock', () => {
    expect(verify({ nowSeconds: Number(VECTOR.timestamp) + 301 })).toEqual({
      ok: false,
      failure: 'timestamp-out-of-window',
    });
    expect(verify({ nowSeconds: Number(VECTOR.timestamp) - 301 })).toEqual({
      ok: false,
      failure: 'timestamp-out-of-window',
    });
  });

  it.each([
    ['the body', { body: Buffer.from(VECTOR.body.replace('10', '11')) }],
    ['the path', { path: '/export/' }],
    ['the method', { method: 'PUT' }],
    ['the secret', { secret: 'devsecret2' }],
  ])('refuses a change to %s', (_field, overrides) => {
    expect(verify(overrides)).toEqual({ ok: false, failure: 'signature-mismatch' });
  });

  it('binds the timestamp: the same signature with another timestamp fails', () => {
    const later = String(Number(VECTOR.timestamp) + 1);
    expect(verify({ timestampHeader: later })).toEqual({ ok: false, failure: 'signature-mismatch' });
  });

  it.each([
    ['no signature', { signatureHeader: undefined }, 'missing-headers'],
    ['no timestamp', { timestampHeader: undefined }, 'missing-headers'],
    ['a millisecond timestamp', { timestampHeader: '1767225600000' }, 'malformed-timestamp'],
    ['a non-numeric timestamp', { timestampHeader: '1767225600.5' }, 'malformed-timestamp'],
    ['truncated hex', { signatureHeader: VECTOR.signature.slice(0, 63) }, 'malformed-signature'],
    ['non-hex characters', { signatureHeader: VECTOR.signature.slice(0, 62) + 'zz' }, 'malformed-signature'],
    ['a sha256= prefix', { signatureHeader: 'sha256=' + VECTOR.signature }, 'malformed-signature'],
  ])('refuses %s', (_case, overrides, failure) => {
    expect(verify(overrides)).toEqual({ ok: false, failure });
  });
});
