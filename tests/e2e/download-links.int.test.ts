import { createDownloadToken } from '@fluxquery/signing';
import { waitFor } from '@fluxquery/testkit';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { asBuffer, createHarness, exportAndWait, TEST_LINKS, type Harness } from './harness';

// Local storage: the api streams the file itself. Mail goes to the development outbox (.eml files).
let harness: Harness;

beforeAll(async () => {
  harness = await createHarness('e2e_links', {
    mailer: (storageRoot) => ({
      transport: 'file',
      dir: path.join(storageRoot, 'mail'),
      from: 'exports@fluxquery.test',
    }),
    email: { attachFile: false, maxMessageBytes: 25_000_000 },
  });
  await harness.testDb.db.query('CREATE TABLE t (id INT PRIMARY KEY, label VARCHAR(50))');
  await harness.testDb.db.query(`INSERT INTO t SELECT seq, CONCAT('label ', seq) FROM seq_1_to_500`);
  harness.startWorker();
});

afterAll(async () => harness.close());

const get = (urlPath: string) => request(harness.app).get(urlPath).buffer(true).parse(asBuffer);
const pathOf = (status: Record<string, any>) => new URL(status.result.download_url as string).pathname;

describe('download links on local storage', () => {
  let status: Record<string, any>;
  let file: Buffer;
  beforeAll(async () => {
    status = await exportAndWait(harness, { query: 'SELECT * FROM t ORDER BY id', email: 'links@example.com' });
    file = await readFile(path.join(harness.storageRoot, status.result.storage_key as string));
  });

  it('gives an absolute link and a storage key, and no path on the worker’s disk', () => {
    expect(status.result.download_url).toMatch(
      new RegExp(`^${TEST_LINKS.publicUrl}/download/${status.job_id}\\.\\d+\\.[A-Za-z0-9_-]{43}$`),
    );
    expect(Date.parse(status.result.download_expires_at as string)).toBeGreaterThan(Date.now() + 3_500_000);
    expect(status.result).not.toHaveProperty('location');
    expect(JSON.stringify(status)).not.toContain(harness.storageRoot);
  });

  it('streams the whole file with its name, length and an ETag from the sha256', async () => {
    const res = await get(pathOf(status));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${status.result.file_name}"; filename*=UTF-8''${status.result.file_name}`,
    );
    expect(res.headers['content-length']).toBe(String(file.length));
    expect(res.headers.etag).toBe(`"${status.result.sha256}"`);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect((res.body as Buffer).equals(file)).toBe(true);
  });

  it('answers Range requests with 206, and an unsatisfiable one with 416', async () => {
    const middle = await get(pathOf(status)).set('Range', 'bytes=10-19');
    expect(middle.status).toBe(206);
    expect(middle.headers['content-range']).toBe(`bytes 10-19/${file.length}`);
    expect((middle.body as Buffer).equals(file.subarray(10, 20))).toBe(true);

    const tail = await get(pathOf(status)).set('Range', 'bytes=-7');
    expect((tail.body as Buffer).equals(file.subarray(file.length - 7))).toBe(true);

    const resume = await get(pathOf(status))
      .set('Range', `bytes=${file.length - 100}-`)
      .set('If-Range', `"${status.result.sha256}"`);
    expect(resume.status).toBe(206);
    expect((resume.body as Buffer).equals(file.subarray(file.length - 100))).toBe(true);

    const changed = await get(pathOf(status)).set('Range', 'bytes=0-9').set('If-Range', '"another-version"');
    expect(changed.status).toBe(200);
    expect((changed.body as Buffer).length).toBe(file.length);

    const beyond = await get(pathOf(status)).set('Range', `bytes=${file.length + 10}-`);
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${file.length}`);
  });

  it('answers a conditional GET with 304 and a HEAD with headers only', async () => {
    const cached = await get(pathOf(status)).set('If-None-Match', `"${status.result.sha256}"`);
    expect(cached.status).toBe(304);
    const head = await request(harness.app).head(pathOf(status));
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(file.length));
  });

  it('refuses a tampered link with 403, as JSON for programs and as a page for browsers', async () => {
    const link = pathOf(status);
    const tampered = link.replace(/\.(\d+)\./, (_m, expiry: string) => `.${Number(expiry) + 3600}.`);
    const json = await request(harness.app).get(tampered);
    expect(json.status).toBe(403);
    expect(json.body).toEqual({
      error: { code: 'LINK_INVALID', message: expect.stringContaining('not valid'), requestId: expect.any(String) },
    });
    const page = await request(harness.app).get(tampered).set('Accept', 'text/html,application/xhtml+xml');
    expect(page.status).toBe(403);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('this download link is not valid');
    expect(page.text).not.toMatch(/at .*\.ts:\d+/);
    for (const bad of ['/download/x', '/download/..%2F..%2Fetc%2Fpasswd', `/download/${status.job_id}`]) {
      expect((await request(harness.app).get(bad)).status).toBe(403);
    }
  });

  it('answers 410 for an expired link, a job it does not know, and a file that is gone', async () => {
    const past = Math.floor(Date.now() / 1000) - 1;
    const expired = await request(harness.app).get(
      `/download/${createDownloadToken(TEST_LINKS.secret, { jobId: status.job_id, expiresAt: past })}`,
    );
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('LINK_EXPIRED');

    const future = Math.floor(Date.now() / 1000) + 600;
    const unknownJob = '00000000-0000-4000-8000-000000000000';
    const unknown = await request(harness.app).get(
      `/download/${createDownloadToken(TEST_LINKS.secret, { jobId: unknownJob, expiresAt: future })}`,
    );
    expect(unknown.status).toBe(410);
    expect(unknown.body.error.code).toBe('FILE_GONE');

    const other = await exportAndWait(harness, { query: 'SELECT 1 AS one', email: 'links@example.com' });
    await rm(path.join(harness.storageRoot, other.result.storage_key as string));
    const gone = await request(harness.app).get(pathOf(other));
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('FILE_GONE');
  });

  it('writes the email to the development outbox, with the same link as the status', async () => {
    const delivered = await waitFor(async () => {
      const res = await harness.signed('GET', `/export/${status.job_id}`);
      return res.body.delivery.email.status === 'pending' ? undefined : res.body;
    });
    expect(delivered.delivery.email).toMatchObject({ status: 'sent', method: 'link', error: null });
    const outbox = path.join(harness.storageRoot, 'mail');
    const names = await readdir(outbox);
    const emls = await Promise.all(names.map((name) => readFile(path.join(outbox, name), 'utf8')));
    const eml = emls.find((text) => text.includes('To: links@example.com'));
    expect(eml).toBeDefined();
    expect(eml!.replace(/=\r\n/g, '')).toContain(status.result.download_url);
  });
});
