import { EXPORT_SCHEMA_VERSION, type ExportJobData, type ExportProgress } from '@fluxquery/export-job';
import { createSilentLogger } from '@fluxquery/logger';
import { createLocalStorage } from '@fluxquery/storage';
import { createTestDatabase, type TestDatabase } from '@fluxquery/testkit';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runExport, type ExportDeps } from './run-export';

let testDb: TestDatabase;
let root: string;

beforeAll(async () => {
  testDb = await createTestDatabase('run_export');
  await testDb.db.query('CREATE TABLE numbers (n INT PRIMARY KEY, label VARCHAR(20))');
  await testDb.db.query("INSERT INTO numbers SELECT seq, CONCAT('n', seq) FROM seq_1_to_200000");
  root = await mkdtemp(path.join(tmpdir(), 'fq-run-export-'));
});

afterAll(async () => {
  await testDb.drop();
  await rm(root, { recursive: true, force: true });
});

const deps = (overrides: Partial<ExportDeps> = {}): ExportDeps => ({
  mysql: testDb.connection,
  storage: createLocalStorage({ root }),
  logger: createSilentLogger(),
  isCompressedByDefault: false,
  timeoutMs: 30_000,
  progressEveryMs: 20,
  ...overrides,
});

const job = (query: string, extra: Partial<ExportJobData> = {}): ExportJobData => ({
  schemaVersion: EXPORT_SCHEMA_VERSION,
  requestId: 'test',
  query,
  email: 'a@example.com',
  format: 'csv',
  requestedAt: new Date().toISOString(),
  ...extra,
});

describe('runExport', () => {
  it('gzips by default when COMPRESSION is on and the request does not say, and not when it says none', async () => {
    const sql = 'SELECT n, label FROM numbers WHERE n <= 3 ORDER BY n';
    const gz = await runExport(deps({ isCompressedByDefault: true }), job(sql), { onProgress: () => undefined });
    expect(gz).toMatchObject({ compression: 'gzip', contentType: 'application/gzip', rows: 3 });
    expect(gunzipSync(await readFile(gz.location)).toString()).toBe('n,label\r\n1,n1\r\n2,n2\r\n3,n3\r\n');
    const plain = await runExport(deps({ isCompressedByDefault: true }), job(sql, { compression: 'none' }), {
      onProgress: () => undefined,
    });
    expect(plain.location).toMatch(/\.csv$/);
  });

  it('reports growing progress while it streams', async () => {
    const seen: ExportProgress[] = [];
    const result = await runExport(deps(), job('SELECT a.n, b.n FROM numbers a JOIN numbers b ON b.n = a.n'), {
      onProgress: (progress) => seen.push(progress),
    });
    expect(result.rows).toBe(200_000);
    expect(seen.length).toBeGreaterThan(1);
    // With EXPLAIN's estimate of the join (InnoDB's statistics: near, not exact).
    expect(result.estimatedRows).toBeGreaterThan(100_000);
    expect(result.estimatedRows).toBeLessThan(400_000);
    for (const report of seen) expect(report.estimatedRows).toBe(result.estimatedRows);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows);
  });

  it('fails a storage write as retryable STORAGE_FAILED, leaves no file, and stops the query', async () => {
    // A root that is a file: the storage cannot create its folders, as on a full or broken disk.
    const sealed = path.join(root, 'not-a-directory');
    await writeFile(sealed, 'x');
    await expect(
      runExport(deps({ storage: createLocalStorage({ root: sealed }) }), job('SELECT * FROM numbers'), {
        onProgress: () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'STORAGE_FAILED', retryable: true });
    await rm(sealed, { force: true });
    await testDb.waitUntilNoQuery('SELECT * FROM numbers');
  });

  it('removes the partial file when the query fails half way', async () => {
    // 100,000 rows stream at once, then every row sleeps: the time limit strikes mid-file.
    const failing = job('SELECT n, label, IF(n > 100000, SLEEP(0.2), 0) AS slow FROM numbers ORDER BY n');
    let rowsWritten = 0;
    await expect(
      runExport(deps({ timeoutMs: 1_500 }), failing, { onProgress: (progress) => (rowsWritten = progress.rows) }),
    ).rejects.toMatchObject({ code: 'QUERY_TIMEOUT', retryable: false });
    expect(rowsWritten).toBeGreaterThan(10_000);
    expect(await readdir(path.join(root, '.partial'))).toEqual([]);
  });
});
