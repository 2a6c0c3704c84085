import { createClient, FluxQueryError, type ExportStatusBody } from '@fluxquery/client';
import { freePort } from '@fluxquery/testkit';
import type { Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHarness, SECRET, type Harness } from './harness';

// The typed client against the real api over HTTP, with a worker: what the CLI and the Node
// example are built on.
let harness: Harness;
let server: Server;
let baseUrl: string;
let folder: string;

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  harness = await createHarness('e2e_client', { publicUrl: baseUrl });
  await harness.testDb.db.query('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20))');
  await harness.testDb.db.query(`INSERT INTO t VALUES (1, 'a "quoted" \\\\ name'), (2, 'b')`);
  harness.startWorker();
  server = harness.app.listen(port, '127.0.0.1');
  folder = await mkdtemp(path.join(tmpdir(), 'fq-client-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await harness.close();
  await rm(folder, { recursive: true, force: true });
});

const client = (scheme: 'v1' | 'v2' = 'v2') => createClient({ baseUrl, secret: SECRET, scheme });

describe('the client', () => {
  it('submits, waits, and downloads the file, checked by its sha256', async () => {
    const query = 'SELECT id, name FROM t WHERE name <> "x\\\\y" ORDER BY id';
    const submitted = await client().submit({ query, email: 'ops@example.com' });
    expect(submitted.status).toBe('PENDING');
    const seen: ExportStatusBody[] = [];
    const final = await client().wait(submitted.job_id, { timeoutMs: 30_000, onStatus: (s) => seen.push(s) });
    expect(final.status).toBe('COMPLETED');
    expect(seen.at(-1)).toEqual(final);
    const target = path.join(folder, final.result!.file_name);
    const downloaded = await client().download(final.result!, target);
    expect(downloaded).toEqual({ bytes: final.result!.bytes, sha256: final.result!.sha256 });
    expect(await readFile(target, 'utf8')).toBe('id,name\r\n1,"a ""quoted"" \\ name"\r\n2,b\r\n');
  });

  it('signs as existing clients do (v1) when asked', async () => {
    const submitted = await client('v1').submit({ query: 'SELECT 1 AS one', email: 'ops@example.com' });
    expect((await client('v1').wait(submitted.job_id)).status).toBe('COMPLETED');
  });

  it('sends an Idempotency-Key: the same request twice is one job', async () => {
    const request = { query: 'SELECT 2 AS two', email: 'ops@example.com' };
    const first = await client().submit(request, { idempotencyKey: 'order-42' });
    const again = await client().submit(request, { idempotencyKey: 'order-42' });
    expect(again.job_id).toBe(first.job_id);
  });

  it('throws the service’s error as a FluxQueryError with its status, code and message', async () => {
    const refused = await client()
      .submit({ query: 'DELETE FROM t', email: 'ops@example.com' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FluxQueryError);
    expect(refused).toMatchObject({ status: 400, code: 'INVALID_QUERY', isTransient: false });
    const done = await client().submit({ query: 'SELECT 3 AS three', email: 'ops@example.com' });
    await client().wait(done.job_id);
    await expect(client().cancel(done.job_id)).rejects.toMatchObject({ status: 409, code: 'ALREADY_FINISHED' });
    await expect(
      createClient({ baseUrl, secret: 'wrong', keyId: 'default' }).status(done.job_id),
    ).rejects.toMatchObject({ status: 401, code: 'INVALID_SIGNATURE' });
  });

  it('says when nothing answers, and that trying again may help', async () => {
    const nobody = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, secret: SECRET });
    await expect(nobody.status('x')).rejects.toMatchObject({ status: 0, code: 'UNREACHABLE', isTransient: true });
  });

  it('refuses a file whose sha256 differs, and leaves nothing behind', async () => {
    const submitted = await client().submit({ query: 'SELECT 4 AS four', email: 'ops@example.com' });
    const final = await client().wait(submitted.job_id);
    const target = path.join(folder, 'tampered.csv');
    await expect(client().download({ ...final.result!, sha256: '0'.repeat(64) }, target)).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
    });
    expect((await readdir(folder)).filter((name) => name.startsWith('tampered'))).toEqual([]);
  });
});
