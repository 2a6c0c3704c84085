import { checkDownloadToken, createDownloadLink, createDownloadToken } from './download-token';

const secret = 'a-download-link-secret-of-some-length';
const jobId = '0b7e4c0e-8a51-4a7f-9a8e-3f2d5b1c9e77';

describe('download tokens', () => {
  const token = createDownloadToken(secret, { jobId, expiresAt: 2_000 });

  it('carries the job and its expiry, and checks out until then', () => {
    expect(token).toMatch(new RegExp(`^${jobId}\\.2000\\.[A-Za-z0-9_-]{43}$`));
    expect(checkDownloadToken(secret, token, 1_999)).toEqual({ isValid: true, claims: { jobId, expiresAt: 2_000 } });
    expect(checkDownloadToken(secret, token, 2_000)).toEqual({ isValid: false, reason: 'expired' });
  });

  it('refuses a token whose job, expiry or signature was changed, or that another secret signed', () => {
    const [, , signature] = token.split('.');
    const otherJob = '1b7e4c0e-8a51-4a7f-9a8e-3f2d5b1c9e77';
    expect(checkDownloadToken(secret, `${otherJob}.2000.${signature}`, 0).isValid).toBe(false);
    expect(checkDownloadToken(secret, `${jobId}.9999999999.${signature}`, 0)).toEqual({
      isValid: false,
      reason: 'bad-signature',
    });
    const flipped = `${signature!.slice(0, -2)}${signature!.endsWith('A') ? 'B' : 'A'}${signature!.slice(-1)}`;
    expect(checkDownloadToken(secret, `${jobId}.2000.${flipped}`, 0).isValid).toBe(false);
    expect(checkDownloadToken('another-secret-entirely-different', token, 0).isValid).toBe(false);
  });

  it.each([
    '',
    'x',
    `${jobId}.2000`,
    `${jobId}.-1.abc`,
    `../../etc/passwd`,
    `${jobId.toUpperCase()}.2000.${'A'.repeat(43)}`,
  ])('refuses the malformed token %j', (bad) => {
    expect(checkDownloadToken(secret, bad, 0)).toEqual({ isValid: false, reason: 'malformed' });
  });

  it.each([
    ['a prefix', (t: string) => `x${t}`],
    ['a suffix', (t: string) => `${t}x`],
    ['a path around it', (t: string) => `a/${t}/b`],
  ])('refuses a valid token with %s', (_case, change) => {
    expect(checkDownloadToken(secret, change(token), 0)).toEqual({ isValid: false, reason: 'malformed' });
  });

  it('refuses a token whose signature is another spelling of the same bytes', () => {
    // 43 base64url characters carry 258 bits: the last one's two low bits are not part of the MAC,
    // so four spellings decode to the same bytes. Only the one the service wrote is accepted.
    const [, , signature = ''] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.slice(-1));
    const respelled = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(checkDownloadToken(secret, `${jobId}.2000.${respelled}`, 0)).toEqual({
      isValid: false,
      reason: 'bad-signature',
    });
  });
});

describe('download links', () => {
  it('expire the TTL after the export finished, at a whole second, under PUBLIC_URL', () => {
    const settings = { secret, ttlMs: 3_600_000, publicUrl: 'https://exports.example.com' };
    const finishedAtMs = 1_767_225_600_400;
    const link = createDownloadLink(settings, jobId, finishedAtMs);
    expect(link.expiresAt.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    const expected = createDownloadToken(secret, { jobId, expiresAt: 1_767_229_200 });
    expect(link.url).toBe(`https://exports.example.com/download/${expected}`);
    expect(checkDownloadToken(secret, link.url.split('/').at(-1) ?? '', 1_767_229_199).isValid).toBe(true);
  });
});
