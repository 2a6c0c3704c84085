import { checkDownloadToken, createDownloadToken } from './download-token';

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
});
