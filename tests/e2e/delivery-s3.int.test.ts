import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createStorage } from '@fluxquery/storage';
import { startTestS3, startTestSmtp, waitFor, type TestS3, type TestSmtp } from '@fluxquery/testkit';
import { parse } from 'csv-parse/sync';
import type { RowDataPacket } from 'mysql2';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { createHarness, pollUntilDone, type Harness } from './harness';

// Exports go to a real S3-compatible server and mail to a real SMTP server, both in this process,
// with a low attachment limit so that both ways of delivery show.
const MAX_MESSAGE_BYTES = 200_000;
const SMTP_SERVER_LIMIT = 120_000;
const MiB = 1024 * 1024;

let harness: Harness;
let s3: TestS3;
let smtp: TestSmtp;
let failUploadParts = false;
const deferredOnce = new Set<string>();

beforeAll(async () => {
  s3 = await startTestS3({
    intercept(req, res) {
      // A store that takes the first part and refuses the rest: an upload failing mid-stream.
      if (!failUploadParts || req.method !== 'PUT' || !/[?&]partNumber=([2-9]|\d\d)/.test(req.url ?? '')) return false;
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code><Message>the test refuses this part</Message></Error>');
      return true;
    },
  });
  smtp = await startTestSmtp({
    // Lower than our own limit: a message we think fits can still be refused for its size (552).
    maxMessageBytes: SMTP_SERVER_LIMIT,
    refuse(session) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      if (to.includes('nobody@example.com')) return { code: 550, message: '5.1.1 mailbox unavailable' };
      if (to.includes('later@example.com') && !deferredOnce.has('later')) {
        deferredOnce.add('later');
        return { code: 451, message: '4.3.0 try again later' };
      }
      return undefined;
    },
  });
  harness = await createHarness('e2e_delivery_s3', {
    storage: () =>
      createStorage({
        kind: 's3',
        bucket: s3.bucket,
        prefix: 'exports/',
        partSizeBytes: 5 * MiB,
        queueSize: 2,
        client: s3.client,
      }),
    mailer: () => ({
      transport: 'smtp',
      host: smtp.host,
      port: smtp.port,
      secure: false,
      from: 'exports@fluxquery.test',
    }),
    email: { attachFile: true, maxMessageBytes: MAX_MESSAGE_BYTES },
    backoffMs: 100,
  });
  const { db } = harness.testDb;
  await db.query(`CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(100) NULL, note TEXT NULL)`);
  await db.query(
    `INSERT INTO people VALUES (1, 'Ada', 'first'), (2, 'O''Brien, "Pat"', NULL), (3, 'Zoë 🚀', 'line\\nbreak')`,
  );
  // About 400 KB of CSV (200 KB gzipped): over the attachment limit. And about 12 MB: several multipart parts.
  await db.query(`CREATE TABLE items (id INT PRIMARY KEY, label VARCHAR(200) NOT NULL)`);
  await db.query(`INSERT INTO items SELECT seq, CONCAT(SHA2(seq, 256), SHA2(seq + 1, 256)) FROM seq_1_to_3000`);
  await db.query(`CREATE TABLE big (id INT PRIMARY KEY, label VARCHAR(200) NOT NULL)`);
  await db.query(`INSERT INTO big SELECT seq, CONCAT('row-', seq, '-', REPEAT('y', 100)) FROM seq_1_to_120000`);
  harness.startWorker();
});

afterAll(async () => {
  await harness.close();
  await smtp.close();
  await s3.close();
});

async function requestExport(fields: Record<string, unknown>) {
  const created = await harness.signed('POST', '/export', JSON.stringify({ format: 'csv', ...fields }));
  expect(created.status).toBe(202);
  return created.body.job_id as string;
}

/** Polls the status until the export is final and its email is no longer pending. */
async function pollDelivered(jobId: string): Promise<Record<string, any>> {
  return waitFor(async () => {
    const { body } = await pollUntilDone(harness, jobId);
    return body.delivery.email.status === 'pending' ? undefined : body;
  }, 30_000);
}

async function databaseCsvRows(sql: string): Promise<string[][]> {
  const [rows] = await harness.testDb.db.query<RowDataPacket[][]>({ sql, rowsAsArray: true });
  return (rows as unknown as (string | number | null)[][]).map((row) => row.map((v) => (v === null ? '' : String(v))));
}

async function objectKeys(): Promise<string[]> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

describe('delivery with S3 storage and SMTP', () => {
  it('emails a small export as an attachment whose bytes are the stored file and match the database', async () => {
    const jobId = await requestExport({ query: 'SELECT * FROM people ORDER BY id', email: 'small@example.com' });
    const status = await pollDelivered(jobId);
    expect(status.status).toBe('COMPLETED');
    expect(status.delivery.email).toMatchObject({ status: 'sent', method: 'attachment', attempts: 1, error: null });

    const mail = await smtp.waitForMessage('small@example.com');
    expect(mail.envelope).toEqual({ from: 'exports@fluxquery.test', to: ['small@example.com'] });
    expect(mail.parsed.subject).toBe(`Your export is ready: 3 rows (CSV, ${status.result.bytes} B)`);
    expect(mail.parsed.text).toContain(`SHA-256: ${status.result.sha256}`);
    expect(mail.parsed.html).toContain('Rows</th><td>3</td>');
    const [attachment] = mail.parsed.attachments;
    expect(attachment?.filename).toBe(status.result.file_name);
    expect(attachment?.contentType).toBe('text/csv');
    const bytes = attachment!.content;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(status.result.sha256);
    expect(bytes.equals(await harness.download(status))).toBe(true);
    const records: string[][] = parse(bytes.toString('utf8'));
    const [header, ...rows] = records;
    expect(header).toEqual(['id', 'name', 'note']);
    expect(rows).toEqual(await databaseCsvRows('SELECT * FROM people ORDER BY id'));
  });

  it('emails a link for a file over the limit, and the link gives the same bytes through a fresh presigned URL', async () => {
    const jobId = await requestExport({
      query: 'SELECT * FROM items ORDER BY id',
      email: 'large@example.com',
      compression: 'gzip',
    });
    const status = await pollDelivered(jobId);
    expect(status.delivery.email).toMatchObject({ status: 'sent', method: 'link' });
    expect(status.result).toMatchObject({ storage: 's3', content_type: 'application/gzip' });
    expect(status.result.storage_key).toMatch(/^\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.csv\.gz$/);

    const mail = await smtp.waitForMessage('large@example.com');
    expect(mail.parsed.attachments).toEqual([]);
    expect(mail.parsed.text).toContain(status.result.download_url);
    expect(mail.parsed.text).toMatch(/the link works until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(mail.parsed.html).toContain(`href="${status.result.download_url}"`);

    const link = new URL(status.result.download_url as string);
    const redirect = await harness.signed('GET', link.pathname);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toMatch(/X-Amz-Expires=300/);
    const fetched = await fetch(redirect.headers.location as string);
    expect(fetched.headers.get('content-type')).toBe('application/gzip');
    expect(fetched.headers.get('content-encoding')).toBeNull();
    const file = Buffer.from(await fetched.arrayBuffer());
    expect(createHash('sha256').update(file).digest('hex')).toBe(status.result.sha256);
    const records: string[][] = parse(gunzipSync(file).toString('utf8'));
    const rows = records.slice(1);
    expect(rows).toEqual(await databaseCsvRows('SELECT * FROM items ORDER BY id'));
  });

  it('sends the link at once when the mail server refuses the attachment for its size', async () => {
    // About 108 KB: under our limit once encoded (about 180 KB), over the server's 120 KB.
    const jobId = await requestExport({ query: 'SELECT * FROM items WHERE id <= 800', email: 'tight@example.com' });
    const status = await pollDelivered(jobId);
    expect(status.result.bytes).toBeGreaterThan(SMTP_SERVER_LIMIT * 0.75);
    expect(status.delivery.email).toMatchObject({ status: 'sent', method: 'link', attempts: 1, error: null });
    expect(smtp.refusals).toContain('552 message exceeds the size limit');
    const mail = await smtp.waitForMessage('tight@example.com');
    expect(mail.parsed.attachments).toEqual([]);
    expect(mail.parsed.text).toContain(status.result.download_url);
  });

  it('uploads a 12 MB export in several parts', async () => {
    const before = s3.requests.length;
    const jobId = await requestExport({ query: 'SELECT * FROM big ORDER BY id', email: 'big@example.com' });
    const status = await pollDelivered(jobId);
    expect(status.result.bytes).toBeGreaterThan(12 * 1_000_000);
    expect(s3.requests.slice(before).filter((r) => r.includes('partNumber=')).length).toBeGreaterThanOrEqual(3);
    expect(status.delivery.email.method).toBe('link');
  });

  it('fails an export whose upload breaks mid-stream with STORAGE_FAILED, leaves no object, and says so by email', async () => {
    const objects = await objectKeys();
    failUploadParts = true;
    try {
      const jobId = await requestExport({ query: 'SELECT * FROM big ORDER BY id', email: 'broken@example.com' });
      const status = await pollDelivered(jobId);
      expect(status.status).toBe('FAILED');
      expect(status.attempts).toBe(3);
      expect(status.error).toEqual({ code: 'STORAGE_FAILED', message: 'the export file could not be written' });
      expect(status.result).toBeNull();
      expect(await objectKeys()).toEqual(objects);
      const mail = await smtp.waitForMessage('broken@example.com');
      expect(mail.parsed.subject).toBe('Your export failed');
      expect(mail.parsed.text).toContain('Reason: the export file could not be written');
      expect(status.delivery.email).toMatchObject({ status: 'sent', method: null });
    } finally {
      failUploadParts = false;
    }
  });

  it('keeps the export COMPLETED when the mail server refuses the message, and the status says why', async () => {
    const jobId = await requestExport({ query: 'SELECT * FROM people', email: 'nobody@example.com' });
    const status = await pollDelivered(jobId);
    expect(status.status).toBe('COMPLETED');
    expect(status.attempts).toBe(1);
    expect(status.delivery.email).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'EMAIL_REFUSED', message: expect.stringContaining('550 5.1.1 mailbox unavailable') },
    });
    expect(smtp.messages.some((m) => m.envelope.to.includes('nobody@example.com'))).toBe(false);
  });

  it('retries a deferral (4xx) and then delivers', async () => {
    const jobId = await requestExport({ query: 'SELECT * FROM people', email: 'later@example.com' });
    const status = await pollDelivered(jobId);
    expect(status.delivery.email).toMatchObject({ status: 'sent', method: 'attachment', attempts: 2, error: null });
    expect(smtp.refusals).toContain('451 4.3.0 try again later');
    expect(smtp.messages.filter((m) => m.envelope.to.includes('later@example.com'))).toHaveLength(1);
  });

  it('emails a plain failure notice for a failed query, with no stack or internals', async () => {
    const jobId = await requestExport({ query: 'SELECT * FROM no_such_table', email: 'failed@example.com' });
    const status = await pollDelivered(jobId);
    expect(status.status).toBe('FAILED');
    expect(status.error.code).toBe('QUERY_FAILED');
    const mail = await smtp.waitForMessage('failed@example.com');
    expect(mail.parsed.subject).toBe('Your export failed');
    expect(mail.parsed.text).toContain(`Reason: ${status.error.message}`);
    expect(mail.parsed.text).toContain(`Job: ${jobId}`);
    expect(mail.parsed.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|127\.0\.0\.1|fq_r_/);
    expect(mail.parsed.attachments).toEqual([]);
  });
});
