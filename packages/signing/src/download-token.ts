import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A download link's token: `<job id>.<expiry, unix seconds>.<HMAC-SHA256, base64url>`, signed with
 * DOWNLOAD_LINK_SECRET (never a client's secret). It is checked before anything else is read, so a
 * forged or altered link costs no Redis or storage call. Whoever holds the link may download the
 * file until it expires, as with any emailed link.
 */
export interface DownloadTokenClaims {
  jobId: string;
  /** Unix seconds. */
  expiresAt: number;
}

export type DownloadTokenCheck =
  | { isValid: true; claims: DownloadTokenClaims }
  | { isValid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

function mac(secret: string, jobId: string, expiresAt: number): Buffer {
  return createHmac('sha256', secret).update(`fluxquery-download-v1\n${jobId}\n${expiresAt}`).digest();
}

export function createDownloadToken(secret: string, claims: DownloadTokenClaims): string {
  return `${claims.jobId}.${claims.expiresAt}.${mac(secret, claims.jobId, claims.expiresAt).toString('base64url')}`;
}

export function checkDownloadToken(secret: string, token: string, nowSeconds: number): DownloadTokenCheck {
  const match = TOKEN.exec(token);
  if (!match) return { isValid: false, reason: 'malformed' };
  // The pattern has three groups, each of which matched: none is undefined here.
  const [, jobId, expiry, signature] = match as unknown as [string, string, string, string];
  const expiresAt = Number(expiry);
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, jobId, expiresAt);
  // Re-encoding must give the same text: base64url has more than one spelling of some byte strings.
  if (given.toString('base64url') !== signature || !timingSafeEqual(given, expected)) {
    return { isValid: false, reason: 'bad-signature' };
  }
  if (nowSeconds >= expiresAt) return { isValid: false, reason: 'expired' };
  return { isValid: true, claims: { jobId, expiresAt } };
}

export interface DownloadLinkSettings {
  secret: string;
  ttlMs: number;
  /** Absolute, without a trailing slash. */
  publicUrl: string;
}

/**
 * The link for a finished export. Its expiry follows from the export's finish time, so the status
 * endpoint and the email give the same link, however often either is asked.
 */
export function createDownloadLink(
  settings: DownloadLinkSettings,
  jobId: string,
  finishedAtMs: number,
): { url: string; expiresAt: Date } {
  const expiresAt = Math.floor((finishedAtMs + settings.ttlMs) / 1000);
  const token = createDownloadToken(settings.secret, { jobId, expiresAt });
  return { url: `${settings.publicUrl}/download/${token}`, expiresAt: new Date(expiresAt * 1000) };
}
