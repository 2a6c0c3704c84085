import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from '@fluxquery/testkit';
import { createHarness, pollUntilDone, type Harness } from './harness';
import { spawnWorker, type WorkerProcess } from './worker-process';

let harness: Harness;
const workers: WorkerProcess[] = [];
// 4,000,000 rows (about 50 MB of CSV): long enough to be killed in the middle.
const BIG = "SELECT a.id AS a, b.id AS b, CONCAT(a.id, '-', b.id) AS ab FROM n a CROSS JOIN n b ORDER BY a.id, b.id";

beforeAll(async () => {
  harness = await createHarness('e2e_crash');
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_2000');
});

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await harness.close();
});

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
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
  }, 120_000);
});
