import { composeFailedMail, composeReadyMail, encodedMessageBytes } from './messages';

const file = {
  rows: 1234567,
  bytes: 5 * 1024 * 1024,
  sha256: 'ab'.repeat(32),
  format: 'csv',
  compression: 'gzip' as const,
  fileName: 'fluxquery-export-20261201-120000.csv.gz',
  durationMs: 83_000,
};

describe('messages', () => {
  it('reports rows, size, format, sha256 and time, with the link and its expiry', () => {
    const mail = composeReadyMail(file, {
      method: 'link',
      url: 'https://x.test/download/t?a=1&b=<2>',
      expiresAt: new Date('2026-12-08T21:30:00Z'),
    });
    expect(mail.subject).toBe('Your export is ready: 1,234,567 rows (CSV, gzip, 5.0 MB)');
    expect(mail.text).toContain('Rows: 1,234,567\nSize: 5.0 MB\nFormat: CSV, gzip');
    expect(mail.text).toContain(`SHA-256: ${file.sha256}\nTime taken: 1 min 23 s`);
    expect(mail.text).toContain('the link works until 2026-12-08 21:30 UTC):\nhttps://x.test/download/t?a=1&b=<2>');
    expect(mail.html).toContain('href="https://x.test/download/t?a=1&amp;b=&lt;2&gt;"');
  });

  it('says the file is attached when it is', () => {
    expect(composeReadyMail(file, { method: 'attachment' }).text).toContain('The file is attached to this email.');
  });

  it('says why an export failed in the service’s own words, escaped in HTML', () => {
    const mail = composeFailedMail({ jobId: 'j1', code: 'QUERY_FAILED', message: "Table 'a.<b>' doesn't exist" });
    expect(mail.text).toContain("Reason: Table 'a.<b>' doesn't exist\nCode: QUERY_FAILED\nJob: j1");
    expect(mail.html).toContain('Table &#39;a.&lt;b&gt;&#39; doesn&#39;t exist');
  });

  it('estimates the encoded size: base64 with line breaks, plus room for the text parts', () => {
    expect(encodedMessageBytes(18 * 1024 * 1024)).toBeLessThan(26_214_400);
    expect(encodedMessageBytes(19 * 1024 * 1024)).toBeGreaterThan(26_214_400);
  });
});
