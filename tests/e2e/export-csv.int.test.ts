import { parse } from 'csv-parse/sync';
import type { RowDataPacket } from 'mysql2';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { waitFor } from '@fluxquery/testkit';
import { createHarness, pollUntilDone, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness('e2e_csv');
  const { db } = harness.testDb;
  await db.query(`CREATE TABLE users (
    id BIGINT PRIMARY KEY, name VARCHAR(100) NULL, email VARCHAR(255) NOT NULL, created_at DATETIME NOT NULL,
    updated_at DATETIME NULL, is_active TINYINT(1) NOT NULL, score DECIMAL(10,2) NULL) CHARSET utf8mb4`);
  await db.query(
    `INSERT INTO users VALUES
      (1, 'Plain Name', 'a@example.com', '2026-01-02 03:04:05', NULL, 1, 12.50),
      (9007199254740993, 'O''Brien, "Pat"', 'b@example.com', '2026-01-02 03:04:06', '2026-02-01 00:00:00', 0, -20.00),
      (9223372036854775807, 'Zoë Ünal 🚀 中文', 'c@example.com', '1999-12-31 23:59:59', NULL, 1, 99999999.99),
      (4, 'two\\nlines\\r\\nand more', 'd@example.com', '2026-01-01 00:00:00', NULL, 1, NULL),
      (5, '', 'e@example.com', '2026-01-01 00:00:00', NULL, 0, 0.00),
      (6, NULL, 'f@example.com', '2026-01-01 00:00:00', NULL, 1, 0.01)`,
  );
  harness.startWorker();
});

afterAll(async () => harness.close());

const body = (query: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ query, email: 'admin@example.com', format: 'csv', ...extra });

async function exportAndWait(query: string, extra: Record<string, unknown> = {}) {
  const created = await harness.signed('POST', '/export', body(query, extra));
  expect(created.status).toBe(202);
  expect(created.body.job_id).toMatch(/^[0-9a-f-]{36}$/);
  return pollUntilDone(harness, created.body.job_id as string);
}

async function databaseRows(sql: string): Promise<string[][]> {
  const [rows] = await harness.testDb.db.query<RowDataPacket[][]>({ sql, rowsAsArray: true });
  // The test connection reads every column as a string (or null), so this is MariaDB's own text.
  return (rows as unknown as (string | number | null)[][]).map((row) =>
    row.map((value) => (value === null ? '' : String(value))),
  );
}

describe('a signed CSV export, end to end', () => {
  it('becomes a file whose every value matches MariaDB, with NULL and empty string told apart', async () => {
    const { seen, body: status } = await exportAndWait('SELECT * FROM users ORDER BY id');
    expect(seen[seen.length - 1]).toBe('COMPLETED');
    expect(status.result).toMatchObject({ rows: 6, compression: 'none', content_type: 'text/csv; charset=utf-8' });
    // Done within the first second, before any progress report: EXPLAIN's estimate comes with the result.
    expect(status.progress).toMatchObject({ rows: 6, percent: 100, estimated_rows: expect.any(Number) });

    const file = await harness.download(status);
    expect(status.result.bytes).toBe(file.length);
    expect(status.result.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    // The status names the file by its key and link only: no path on the worker's disk.
    expect(JSON.stringify(status)).not.toContain(harness.storageRoot);
    expect(await readFile(path.join(harness.storageRoot, status.result.storage_key as string))).toEqual(file);
    // This harness has no mail transport (production without SMTP_HOST): the status says so.
    const { body: later } = await waitFor(async () => {
      const res = await harness.signed('GET', `/export/${status.job_id}`);
      return res.body.delivery.email.status === 'pending' ? undefined : res;
    });
    expect(later.delivery.email).toEqual({ status: 'disabled', method: null, attempts: 1, error: null, sent_at: null });

    const text = file.toString('utf8');
    const records: string[][] = parse(text);
    expect(records[0]).toEqual(['id', 'name', 'email', 'created_at', 'updated_at', 'is_active', 'score']);
    expect(records.slice(1)).toEqual(await databaseRows('SELECT * FROM users ORDER BY id'));
    // Exact: BIGINT beyond 2^53 and DECIMAL scale survive as written by the server.
    expect(text).toContain(
      '\r\n9007199254740993,"O\'Brien, ""Pat""",b@example.com,2026-01-02 03:04:06,2026-02-01 00:00:00,0,-20.00\r\n',
    );
    expect(text).toContain('\r\n9223372036854775807,Zoë Ünal 🚀 中文,');
    // Empty string is "", NULL is an empty field.
    expect(text).toContain('\r\n5,"",e@example.com,2026-01-01 00:00:00,,0,0.00\r\n');
    expect(text).toContain('\r\n6,,f@example.com,');
    expect(text).toContain('\r\n4,"two\nlines\r\nand more",');
  });

  it('shows PENDING until a worker takes the job, then PROCESSING with progress, then COMPLETED', async () => {
    await harness.testDb.db.query('CREATE TABLE numbers (n INT PRIMARY KEY)');
    await harness.testDb.db.query('INSERT INTO numbers SELECT seq FROM seq_1_to_1000');
    await harness.queue.pause();
    const created = await harness.signed(
      'POST',
      '/export',
      body('SELECT a.n, b.n AS m FROM numbers a CROSS JOIN numbers b'),
    );
    const pending = await harness.signed('GET', `/export/${created.body.job_id}`);
    expect(pending.body).toMatchObject({
      status: 'PENDING',
      progress: { rows: 0, bytes: 0 },
      result: null,
      error: null,
    });
    await harness.queue.resume();

    const progressSeen: number[] = [];
    const estimates: { estimated_rows: number | null; percent: number | null }[] = [];
    let done: Record<string, any> | undefined;
    while (!done) {
      const res = await harness.signed('GET', `/export/${created.body.job_id}`);
      if (res.body.status === 'PROCESSING' && res.body.progress.rows > 0) {
        progressSeen.push(res.body.progress.rows as number);
        estimates.push(res.body.progress as { estimated_rows: number | null; percent: number | null });
      }
      if (res.body.status === 'COMPLETED') done = res.body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(progressSeen.length).toBeGreaterThan(0);
    expect(Math.max(...progressSeen)).toBeGreaterThan(0);
    expect(done.result.rows).toBe(1_000_000);
    expect(done.started_at).not.toBeNull();
    expect(done.finished_at).not.toBeNull();
    // EXPLAIN's estimate of a 1,000 × 1,000 join, and a percentage below 100 until done.
    expect(estimates.length).toBeGreaterThan(0);
    for (const seen of estimates) {
      expect(seen.estimated_rows).toBeGreaterThan(500_000);
      expect(seen.estimated_rows).toBeLessThan(2_000_000);
      expect(seen.percent).toBeGreaterThanOrEqual(0);
      expect(seen.percent).toBeLessThanOrEqual(99);
    }
    expect(done.progress).toMatchObject({ percent: 100, estimated_rows: estimates[0]!.estimated_rows });
    // The rate is the rows over the time the export ran.
    const { elapsed_ms: elapsed, rows_per_second: rate } = done.progress as {
      elapsed_ms: number;
      rows_per_second: number;
    };
    expect(elapsed).toBeGreaterThan(0);
    expect(rate).toBe(Math.round((1_000_000 * 1000) / elapsed));
  });

  it('gzips on request, storing a .csv.gz whose content is the same CSV', async () => {
    const plain = await exportAndWait('SELECT * FROM users ORDER BY id');
    const gzipped = await exportAndWait('SELECT * FROM users ORDER BY id', { compression: 'gzip' });
    expect(gzipped.body.result).toMatchObject({ compression: 'gzip', content_type: 'application/gzip' });
    expect(gzipped.body.result.storage_key).toMatch(/\.csv\.gz$/);
    expect(gzipped.body.result.file_name).toMatch(/\.csv\.gz$/);
    const unzipped = gunzipSync(await harness.download(gzipped.body));
    expect(unzipped.equals(await harness.download(plain.body))).toBe(true);
  });

  it('fails a query on a missing table at once, with MySQL’s reason, and leaves no file', async () => {
    const before = await readdir(harness.storageRoot, { recursive: true });
    const { seen, body: status } = await exportAndWait('SELECT * FROM no_such_table');
    expect(seen[seen.length - 1]).toBe('FAILED');
    expect(status.error).toEqual({
      code: 'QUERY_FAILED',
      message: expect.stringContaining("no_such_table' doesn't exist"),
    });
    expect(status.attempts).toBe(1);
    expect(status.result).toBeNull();
    const after = await readdir(harness.storageRoot, { recursive: true });
    expect(after.filter((name) => !name.startsWith('.partial'))).toEqual(
      before.filter((name) => !name.startsWith('.partial')),
    );
    expect(await readdir(path.join(harness.storageRoot, '.partial'))).toEqual([]);
  });

  it('answers 404 in the error shape for an unknown job', async () => {
    const res = await harness.signed('GET', '/export/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String), requestId: expect.any(String) },
    });
  });
});
