import { readdir } from 'node:fs/promises';
import { createHarness, exportAndWait, pollUntilDone, SECRET, testClient, type Harness } from './harness';

let harness: Harness;
// Billions of rows from a 2,000-row table joined with itself three times: runs until stopped.
const ENDLESS = 'SELECT a.id AS a, b.id AS b, c.id AS c FROM n a CROSS JOIN n b CROSS JOIN n c';

beforeAll(async () => {
  harness = await createHarness('e2e_cancel', {
    clients: (db) => [testClient('default', [SECRET], [db]), testClient('other', ['other-secret-0123456789'], [db])],
  });
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_2000');
});

afterAll(async () => harness.close());

const submit = async (query: string): Promise<string> => {
  const res = await harness.signed('POST', '/export', JSON.stringify({ query, email: 'admin@example.com' }));
  expect(res.status).toBe(202);
  return res.body.job_id as string;
};

async function filesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('DELETE /export/:id', () => {
  it('removes a waiting job at once, and its status says CANCELLED (no worker runs yet)', async () => {
    const id = await submit('SELECT 1 AS one');
    const cancelled = await harness.signed('DELETE', `/export/${id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      job_id: id,
      status: 'CANCELLED',
      error: { code: 'CANCELLED' },
      result: null,
    });
    expect(await harness.queue.getJob(id)).toBeUndefined();

    const status = await harness.signed('GET', `/export/${id}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'CANCELLED', finished_at: expect.any(String) });
    expect((await harness.signed('GET', `/export/${id}`, '', 'other')).status).toBe(404);
    expect((await harness.signed('DELETE', `/export/${id}`, '', 'other')).status).toBe(404);
    const again = await harness.signed('DELETE', `/export/${id}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_FINISHED');
  });

  it('stops a running export within 3 seconds: the query is killed and no file is left', async () => {
    harness.startWorker();
    const id = await submit(ENDLESS);
    // Running, and writing rows.
    for (;;) {
      const res = await harness.signed('GET', `/export/${id}`);
      if (res.body.status === 'PROCESSING' && res.body.progress.rows > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const asked = Date.now();
    const cancelled = await harness.signed('DELETE', `/export/${id}`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ job_id: id, cancel_requested: true });

    const { body } = await pollUntilDone(harness, id, 10_000);
    expect(Date.now() - asked).toBeLessThan(3_000);
    expect(body).toMatchObject({ status: 'CANCELLED', error: { code: 'CANCELLED' }, result: null, attempts: 1 });
    await harness.testDb.waitUntilNoQuery('SELECT a.id AS a', 3_000);
    expect(await filesIn(harness.storageRoot)).toEqual([]);
  });

  it('answers 409 for a finished export, and 404 for an unknown one', async () => {
    const done = await exportAndWait(harness, { query: 'SELECT 1 AS one' });
    const res = await harness.signed('DELETE', `/export/${done.job_id}`);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'ALREADY_FINISHED', message: expect.stringMatching(/completed/) });
    expect((await harness.signed('DELETE', '/export/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
