import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from '@fluxquery/testkit';
import { createHarness, pollUntilDone, type Harness } from './harness';
import { spawnWorker, type WorkerProcess } from './worker-process';

let harness: Harness;
const workers: WorkerProcess[] = [];
// 8,000,000 rows (under the default key's 10 M): seconds, much longer than the grace period below.
const BIG = 'SELECT a.id AS a, b.id AS b, c.k FROM n a CROSS JOIN n b CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2) c';

beforeAll(async () => {
  harness = await createHarness('e2e_shutdown');
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_2000');
});

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await harness.close();
});

const started = (worker: WorkerProcess) =>
  waitFor(async () => (worker.logs.some((l) => l.message === 'worker.started') ? true : undefined));

describe('a worker stopped with SIGTERM', () => {
  it('hands a running export back after its grace period, leaving no partial file, and another worker finishes it', async () => {
    const first = spawnWorker(harness, { WORKER_SHUTDOWN_GRACE: '300ms', WORKER_COUNT: '1' });
    workers.push(first);
    await started(first);
    const created = await harness.signed('POST', '/export', JSON.stringify({ query: BIG, email: 'admin@example.com' }));
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
