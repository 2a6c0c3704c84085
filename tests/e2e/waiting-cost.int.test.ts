import { createClient } from '@fluxquery/client';
import { createOwnRedis, freePort, waitFor, type OwnRedis } from '@fluxquery/testkit';
import { Redis } from 'ioredis';
import { createConnection, type Connection } from 'mysql2/promise';
import { createHarness, SECRET, type Harness } from './harness';
import { type ServiceProcess, startApiAndWorker, stopServices } from './service-process';

// What waiting costs Redis: one key's 2,000 queued exports behind its two running ones (held in
// MariaDB by a table lock), a real api and worker process on a Redis of the test's own, so that
// INFO commandstats counts only them.
let harness: Harness;
let redis: OwnRedis;
let locker: Connection;
const processes: ServiceProcess[] = [];
const WAITING = 2_000;

beforeAll(async () => {
  harness = await createHarness('e2e_waiting_cost');
  await harness.testDb.db.query('CREATE TABLE slow (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO slow VALUES (1)');
  locker = await createConnection(harness.testDb.connection);
  redis = await createOwnRedis();
}, 60_000);

afterAll(async () => {
  await locker?.query('UNLOCK TABLES').catch(() => undefined);
  await locker?.end();
  await stopServices(processes);
  await redis?.close();
  await harness?.close();
});

/** Redis commands a second over `ms`, by INFO commandstats (the INFO calls themselves left out). */
async function commandsPerSecond(ms: number): Promise<number> {
  const probe = new Redis(redis.url);
  const total = async (): Promise<number> => {
    const info = await probe.info('commandstats');
    const calls = [...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].filter(([, name]) => name !== 'info');
    return calls.reduce((sum, [, , count]) => sum + Number(count), 0);
  };
  try {
    const before = await total();
    await new Promise((resolve) => setTimeout(resolve, ms));
    return ((await total()) - before) / (ms / 1000);
  } finally {
    probe.disconnect();
  }
}

describe('2,000 exports waiting behind their key’s two running ones', () => {
  it('cost Redis no more commands than the running exports alone', async () => {
    const port = await freePort();
    const env = {
      REDIS_URL: redis.url,
      SERVER_PORT: String(port),
      EXPORTS_PER_MINUTE: '100000',
      REQUESTS_PER_MINUTE: '100000',
    };
    processes.push(...(await startApiAndWorker(harness, env)));
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, secret: SECRET });
    await locker.query('LOCK TABLES slow WRITE');
    const query = 'SELECT id FROM slow';
    const running = [
      await client.submit({ query, email: 'ops@example.com' }),
      await client.submit({ query, email: 'ops@example.com' }),
    ];
    await waitFor(
      async () => ((await client.status(running[1]!.job_id)).status === 'PROCESSING' ? true : undefined),
      20_000,
    );
    const alone = await commandsPerSecond(10_000);

    for (let sent = 0; sent < WAITING; sent += 50) {
      await Promise.all(Array.from({ length: 50 }, () => client.submit({ query, email: 'ops@example.com' })));
    }
    // Settled: the last submissions' own writes are over.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const withWaiting = await commandsPerSecond(10_000);
    if (process.env.FQ_TEST_REPORT) {
      process.stderr.write(
        `redis commands/s: two running ${alone.toFixed(1)}, with ${WAITING} waiting ${withWaiting.toFixed(1)}\n`,
      );
    }
    // The waiting jobs are not polled, parked or moved: one command per waiting job even once a
    // minute would add 33 a second. What remains is the processes' own timers (a few a second).
    expect(withWaiting).toBeLessThan(alone + 10);
  }, 240_000);
});
