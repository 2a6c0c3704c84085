import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from '@fluxquery/testkit';
import { createHarness, pollUntilDone, type Harness } from './harness';
import { spawnWorker, type ServiceProcess, stopServices } from './service-process';

// Real worker processes, started from the built dist as production starts them, on this file's
// database, Redis prefix and folder: one killed mid-export, one stopped with SIGTERM.
let harness: Harness;
const workers: ServiceProcess[] = [];
// 4,000,000 rows (about 50 MB of CSV): long enough to be killed in the middle.
const BIG = "SELECT a.id AS a, b.id AS b, CONCAT(a.id, '-', b.id) AS ab FROM n a CROSS JOIN n b ORDER BY a.id, b.id";
// 8,000,000 rows (under the default key's 10 M): seconds, much longer than a 300 ms grace period.
const BIGGER =
  'SELECT a.id AS a, b.id AS b, c.k FROM n a CROSS JOIN n b CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2) c';

beforeAll(async () => {
  harness = await createHarness('e2e_workers');
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_2000');
});

afterAll(async () => {
  await stopServices(workers);
  await harness.close();
});

const started = (worker: ServiceProcess) =>
  waitFor(async () => (worker.logs.some((l) => l.message === 'worker.started') ? true : undefined));

/** Export files and partial files under the storage folder (not the development mail outbox). */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith('mail/'))
    .sort();
}

describe('a worker killed in the middle of an export', () => {
  it('hands the job to another worker, which finishes it: one complete file, nothing partial left', async () => {
    // Two worker processes, as production runs them; a dead one's jobs move on after 2 s.
    const env = { WORKER_STALL_INTERVAL: '2s', WORKER_COUNT: '1' };
    workers.push(spawnWorker(harness, env), spawnWorker(harness, env));
    await waitFor(async () =>
      workers.every((w) => w.logs.some((l) => l.message === 'worker.started')) ? true : undefined,
    ).catch((error: unknown) => {
      throw new Error(`the workers did not start: ${workers.map((w) => w.stderr()).join('\n')}`, { cause: error });
    });

    const created = await harness.signed('POST', '/export', JSON.stringify({ query: BIG, email: 'admin@example.com' }));
    expect(created.status).toBe(202);
    const id = created.body.job_id as string;

    // The process that took the job, once it has written part of the file.
    const running = await waitFor(
      async () => {
        const owner = workers.find((w) => w.logs.some((l) => l.message === 'export.started' && l.jobId === id));
        const status = await harness.signed('GET', `/export/${id}`);
        return owner && status.body.progress.rows > 200_000 ? owner : undefined;
      },
      30_000,
      20,
    );
    running.child.kill('SIGKILL');
    await running.exited;
    const survivor = workers.find((w) => w !== running)!;

    const { body } = await pollUntilDone(harness, id, 90_000);
    expect(body.status).toBe('COMPLETED');
    expect(body.result.rows).toBe(4_000_000);
    expect(survivor.logs.some((l) => l.message === 'export.completed' && l.jobId === id)).toBe(true);

    const files = await filesUnder(harness.storageRoot);
    expect(files).toEqual([body.result.storage_key]);
    const file = await readFile(path.join(harness.storageRoot, body.result.storage_key as string));
    expect(createHash('sha256').update(file).digest('hex')).toBe(body.result.sha256);
    const lines = file.toString('latin1').split('\r\n');
    expect(lines[0]).toBe('a,b,ab');
    expect(lines[1]).toBe('1,1,1-1');
    expect(lines[4_000_000]).toBe('2000,2000,2000-2000');
    survivor.child.kill('SIGTERM');
    await survivor.exited;
  }, 120_000);
});

describe('a worker stopped with SIGTERM', () => {
  it('hands a running export back after its grace period, leaving no partial file, and another worker finishes it', async () => {
    const first = spawnWorker(harness, { WORKER_SHUTDOWN_GRACE: '300ms', WORKER_COUNT: '1' });
    workers.push(first);
    await started(first);
    const created = await harness.signed(
      'POST',
      '/export',
      JSON.stringify({ query: BIGGER, email: 'admin@example.com' }),
    );
    const id = created.body.job_id as string;
    await waitFor(
      async () => {
        const status = await harness.signed('GET', `/export/${id}`);
        return status.body.progress.rows > 100_000 ? true : undefined;
      },
      30_000,
      20,
    );

    const asked = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - asked).toBeLessThan(6_000);
    expect(first.logs.some((l) => l.message === 'export.handed_back' && l.jobId === id)).toBe(true);

    // Back in the queue as it was: no attempt spent, nothing half-written left behind.
    const state = await harness.queue.getJobState(id);
    expect(['waiting', 'delayed', 'prioritized']).toContain(state);
    expect((await harness.queue.getJob(id))?.attemptsMade).toBe(0);
    const partials = await readdir(path.join(harness.storageRoot, '.partial')).catch(() => []);
    expect(partials).toEqual([]);

    const second = spawnWorker(harness, { WORKER_COUNT: '1' });
    workers.push(second);
    const { body } = await pollUntilDone(harness, id, 60_000);
    expect(body.error).toBeNull();
    expect(body).toMatchObject({ status: 'COMPLETED', result: { rows: 8_000_000 } });
  }, 120_000);
});
