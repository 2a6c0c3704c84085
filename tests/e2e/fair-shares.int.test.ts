import { waitFor } from '@fluxquery/testkit';
import { createHarness, pollUntilDone, testClient, TEST_LIMITS, type Harness } from './harness';
import { spawnWorker, type ServiceProcess } from './service-process';

// Fair shares between keys with the default settings and one worker process (WORKER_COUNT 2,
// max_concurrent_exports 2): the worker has no more slots than one key may use, so only the order
// in which freed slots are handed out decides who waits (key-backlog.ts).
const A = { id: 'key_a', secret: 'key-a-secret-0123456789' };
const B = { id: 'key_b', secret: 'key-b-secret-0123456789' };
// 250,000 rows with a digest each: a fraction of a second to a second here.
const HEAVY = 'SELECT a.id AS a, b.id AS b, MD5(a.id * 1000 + b.id) AS h FROM n a CROSS JOIN n b';
let harness: Harness;
let worker: ServiceProcess;

beforeAll(async () => {
  const limits = { ...TEST_LIMITS, maxConcurrentExports: 2 };
  harness = await createHarness('e2e_fair_shares', {
    clients: (database) => [A, B].map((key) => testClient(key.id, [key.secret], [database], { limits })),
  });
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_500');
  const clientKeys = JSON.stringify(
    [A, B].map((key) => ({ key_id: key.id, secrets: [key.secret], allowed_schemas: [harness.testDb.name] })),
  );
  worker = spawnWorker(harness, { CLIENT_KEYS: clientKeys });
  await waitFor(async () => (worker.logs.some((l) => l.message === 'worker.started') ? true : undefined)).catch(
    (error: unknown) => {
      throw new Error(`the worker did not start: ${worker.stderr()}`, { cause: error });
    },
  );
}, 60_000);

afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await harness?.close();
});

async function submit(key: typeof A, query: string): Promise<string> {
  const res = await harness.signed('POST', '/export', JSON.stringify({ query, email: 'ops@example.com' }), key.id);
  expect(res.status).toBe(202);
  return res.body.job_id as string;
}

/** Each job's key and times, once every one has finished. */
async function finishAll(jobs: { id: string; key: typeof A }[]) {
  const done = [];
  for (const job of jobs) {
    const { body } = await pollUntilDone(harness, job.id, 120_000, job.key.id);
    expect(body.status).toBe('COMPLETED');
    done.push({ key: job.key.id, started: Date.parse(body.started_at), finished: Date.parse(body.finished_at) });
  }
  return done;
}

describe('fair shares between keys, default settings, one worker process', () => {
  it('runs another key’s small export after at most one heavy export, not after the burst', async () => {
    const burst = [];
    for (let i = 0; i < 20; i += 1) burst.push({ id: await submit(A, HEAVY), key: A });
    const submitted = Date.now();
    const small = await submit(B, 'SELECT 1 AS one');
    const { body } = await pollUntilDone(harness, small, 60_000, B.id);
    const waited = Date.parse(body.finished_at) - submitted;
    const heavy = await finishAll(burst);
    const longest = Math.max(...heavy.map((job) => job.finished - job.started));
    expect(waited).toBeLessThanOrEqual(longest + 1_000);
    // …and the burst was still going: the small export did not simply come last.
    expect(heavy.filter((job) => job.started > Date.parse(body.finished_at)).length).toBeGreaterThanOrEqual(10);
  }, 180_000);

  it('alternates two keys that each send ten heavy exports at once', async () => {
    // Ten from A, then ten from B, within the same second: in arrival order, B would wait for all of A.
    const jobs = [];
    for (const key of [A, B]) {
      const ids = await Promise.all(Array.from({ length: 10 }, () => submit(key, HEAVY)));
      jobs.push(...ids.map((id) => ({ id, key })));
    }
    const order = (await finishAll(jobs)).sort((x, y) => x.started - y.started).map((job) => job.key);
    // No run of more than two of one key while the other still has exports waiting.
    for (let i = 0; i + 2 < order.length; i += 1) {
      const run = order.slice(i, i + 3);
      const isOtherWaiting = order.slice(i + 3).some((key) => key !== run[0]);
      if (isOtherWaiting) expect(run.every((key) => key === run[0])).toBe(false);
    }
    // Every finished export left its key's backlog: the next one is first in line again.
    const next = await submit(A, 'SELECT 1 AS one');
    expect((await harness.queue.getJob(next))?.opts.priority).toBe(1);
    expect((await pollUntilDone(harness, next, 30_000, A.id)).body.status).toBe('COMPLETED');
  }, 180_000);
});
