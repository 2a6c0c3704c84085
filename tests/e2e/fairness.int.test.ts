import type { RowDataPacket } from 'mysql2';
import { createConnection, type Connection } from 'mysql2/promise';
import { waitFor } from '@fluxquery/testkit';
import { createHarness, pollUntilDone, testClient, TEST_LIMITS, type Harness } from './harness';
import { spawnWorker, type ServiceProcess, stopServices } from './service-process';

// Fairness between client keys, with two real worker processes: a burst of 50 long exports from one
// key, then another key's small export. The long exports read a table the test holds a WRITE lock
// on, so each one runs (holds its slot, waits in MariaDB) for as long as the test wants, without
// eating the two cores the rest of the test needs.
const HEAVY = { id: 'heavy', secret: 'heavy-secret-0123456789' };
const LIGHT = { id: 'light', secret: 'light-secret-0123456789' };
const HEAVY_MAX = 2;
const BURST = 50;
let harness: Harness;
let locker: Connection;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  harness = await createHarness('e2e_fairness', {
    clients: (database) => [
      testClient(HEAVY.id, [HEAVY.secret], [database], {
        limits: { ...TEST_LIMITS, maxConcurrentExports: HEAVY_MAX },
      }),
      testClient(LIGHT.id, [LIGHT.secret], [database]),
    ],
  });
  await harness.testDb.db.query('CREATE TABLE slow (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO slow SELECT seq FROM seq_1_to_100');
  locker = await createConnection(harness.testDb.connection);
});

afterAll(async () => {
  await locker.query('UNLOCK TABLES').catch(() => undefined);
  await locker.end();
  await stopServices(workers);
  await harness.close();
});

/** The burst's statements in MariaDB now (EXPLAIN or the export, each waiting for the lock). */
async function heavyQueriesRunning(): Promise<number> {
  const [rows] = await harness.testDb.db.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ? AND INFO LIKE '%FROM slow%'",
    [harness.reader.user],
  );
  return Number(rows[0]?.n);
}

describe('one key’s burst and another key’s small export', () => {
  it('runs the burst at most max_concurrent_exports at a time, and starts the other key’s export at once', async () => {
    const clientKeys = JSON.stringify(
      [HEAVY, LIGHT].map((key) => ({
        key_id: key.id,
        secrets: [key.secret],
        allowed_schemas: [harness.testDb.name],
        limits: { max_concurrent_exports: key === HEAVY ? HEAVY_MAX : 10, timeout: '5m' },
      })),
    );
    // Two processes with two slots each, three exports at once in all: the burst may take two.
    const env = { CLIENT_KEYS: clientKeys, WORKER_COUNT: '2', MAX_DB_CONCURRENCY: '3' };
    workers.push(spawnWorker(harness, env), spawnWorker(harness, env));
    await waitFor(async () =>
      workers.every((w) => w.logs.some((l) => l.message === 'worker.started')) ? true : undefined,
    ).catch((error: unknown) => {
      throw new Error(`the workers did not start: ${workers.map((w) => w.stderr()).join('\n')}`, { cause: error });
    });

    await locker.query('LOCK TABLES slow WRITE');
    const burst: string[] = [];
    for (let i = 0; i < BURST; i += 1) {
      const body = JSON.stringify({ query: `SELECT id, ${i} AS n FROM slow`, email: 'ops@example.com' });
      const res = await harness.signed('POST', '/export', body, HEAVY.id);
      expect(res.status).toBe(202);
      burst.push(res.body.job_id as string);
    }
    await waitFor(async () => ((await heavyQueriesRunning()) === HEAVY_MAX ? true : undefined), 20_000);

    const submitted = Date.now();
    const small = await harness.signed(
      'POST',
      '/export',
      JSON.stringify({ query: 'SELECT 1 AS one', email: 'ops@example.com' }),
      LIGHT.id,
    );
    expect(small.status).toBe(202);
    const { body } = await pollUntilDone(harness, small.body.job_id as string, 20_000, LIGHT.id);
    const waitedMs = Date.now() - submitted;
    expect(body.status).toBe('COMPLETED');
    // Without the per-key limit it would wait for the whole burst, which is still stuck on the lock.
    expect(waitedMs).toBeLessThan(5_000);
    expect(await heavyQueriesRunning()).toBe(HEAVY_MAX);
    expect(workers.some((w) => w.logs.some((l) => l.message === 'export.parked' && l.keyId === HEAVY.id))).toBe(true);

    // The lock goes: the whole burst finishes, never more than two at a time.
    let mostAtOnce = 0;
    const sampler = setInterval(() => {
      heavyQueriesRunning()
        .then((n) => (mostAtOnce = Math.max(mostAtOnce, n)))
        .catch(() => undefined);
    }, 20);
    await locker.query('UNLOCK TABLES');
    try {
      for (const id of burst) {
        const done = await pollUntilDone(harness, id, 60_000, HEAVY.id);
        expect(done.body.status).toBe('COMPLETED');
        expect(done.body.result.rows).toBe(100);
      }
    } finally {
      clearInterval(sampler);
    }
    expect(mostAtOnce).toBeLessThanOrEqual(HEAVY_MAX);
    // Waiting spent no attempt: each job's one attempt is the one that completed it.
    const jobs = await Promise.all(burst.map((id) => harness.queue.getJob(id)));
    expect(jobs.map((job) => job?.attemptsMade)).toEqual(burst.map(() => 1));
  }, 150_000);
});
