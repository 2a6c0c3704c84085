import { queueKeyPrefix } from '@fluxquery/export-job';
import { Worker } from 'bullmq';
import { connectTestRedis, waitFor } from '@fluxquery/testkit';
import { createHarness, type Harness } from './harness';

// A cancel that loses the race: DELETE answers 202 while the export runs, and the worker's last
// step (the commit) wins. The worker here is a stand-in that holds the job until the test has
// cancelled it, then completes it as a real worker's commit would: the race, made certain.
let harness: Harness;
const redis = connectTestRedis({ maxRetriesPerRequest: null });

beforeAll(async () => {
  harness = await createHarness('e2e_cancel_race');
});

afterAll(async () => {
  await harness.close();
  redis.disconnect();
});

it('shows both the cancel request and that it came too late, and keeps the file', async () => {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const now = new Date().toISOString();
  const worker = new Worker(
    'exports',
    async () => {
      await finished;
      return {
        rows: 1,
        bytes: 5,
        sha256: 'a'.repeat(64),
        storage: 'local',
        key: '2026-12-05/race.csv',
        location: '/nowhere/race.csv',
        fileName: 'export.csv',
        contentType: 'text/csv',
        format: 'csv',
        compression: 'none',
        startedAt: now,
        finishedAt: new Date().toISOString(),
        durationMs: 1,
      };
    },
    { connection: redis, prefix: queueKeyPrefix(harness.prefix, 'exports') },
  );
  try {
    const submitted = await harness.signed(
      'POST',
      '/export',
      JSON.stringify({ query: 'SELECT 1', email: 'a@example.com' }),
    );
    const id = submitted.body.job_id as string;
    await waitFor(async () =>
      (await harness.signed('GET', `/export/${id}`)).body.status === 'PROCESSING' ? true : undefined,
    );

    const asked = await harness.signed('DELETE', `/export/${id}`);
    expect(asked.status).toBe(202);
    const pending = await harness.signed('GET', `/export/${id}`);
    expect(pending.body).toMatchObject({
      status: 'PROCESSING',
      cancel: { outcome: 'pending', requested_at: expect.any(String) },
    });

    finish();
    await waitFor(async () =>
      (await harness.signed('GET', `/export/${id}`)).body.status === 'COMPLETED' ? true : undefined,
    );
    const done = await harness.signed('GET', `/export/${id}`);
    expect(done.body).toMatchObject({
      status: 'COMPLETED',
      result: { rows: 1 },
      error: null,
      cancel: { outcome: 'too_late', requested_at: pending.body.cancel.requested_at },
    });
    expect(Date.parse(done.body.cancel.requested_at)).toBeLessThanOrEqual(Date.parse(done.body.finished_at));
    // A second DELETE now says it is finished, and the first request's time stays.
    expect((await harness.signed('DELETE', `/export/${id}`)).status).toBe(409);
  } finally {
    await worker.close();
  }
});

it('shows no cancel on an export nobody cancelled', async () => {
  const submitted = await harness.signed(
    'POST',
    '/export',
    JSON.stringify({ query: 'SELECT 1', email: 'a@example.com' }),
  );
  const status = await harness.signed('GET', `/export/${submitted.body.job_id as string}`);
  expect(status.body).toMatchObject({ status: 'PENDING', cancel: null });
});
