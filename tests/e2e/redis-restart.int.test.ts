import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { signV2 } from '@fluxquery/signing';
import { createOwnRedis, freePort, waitFor, type OwnRedis } from '@fluxquery/testkit';
import { createHarness, SECRET, type Harness } from './harness';
import { type ServiceProcess, startApiAndWorker, stopServices } from './service-process';

// Redis goes away in the middle of an export and comes back: a real api and a real worker process
// on a Redis of the test's own (with an append-only file, as docs/operations.md recommends).
let harness: Harness;
let redis: OwnRedis;
let baseUrl: string;
const processes: ServiceProcess[] = [];
// 4,000,000 rows, about 50 MB of CSV: seconds, so Redis can go away while it runs.
const BIG = "SELECT a.id AS a, b.id AS b, CONCAT(a.id, '-', b.id) AS ab FROM n a CROSS JOIN n b ORDER BY a.id, b.id";

beforeAll(async () => {
  harness = await createHarness('e2e_redis_restart');
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_2000');
  redis = await createOwnRedis();
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env = { REDIS_URL: redis.url, SERVER_PORT: String(port) };
  processes.push(...(await startApiAndWorker(harness, env)));
});

afterAll(async () => {
  await stopServices(processes);
  await redis.close();
  await harness.close();
});

/** A request signed with the default key (v2), as a client sends it over the network. */
async function signed(method: 'GET' | 'POST', urlPath: string, body = ''): Promise<{ status: number; body: any }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = signV2({
    secret: SECRET,
    keyId: 'default',
    method,
    path: urlPath,
    query: '',
    timestamp,
    nonce,
    body,
  });
  const res = await fetch(baseUrl + urlPath, {
    method,
    headers: {
      'Content-Type': 'application/json',
      'X-Key-Id': 'default',
      'X-Timestamp': timestamp,
      'X-Nonce': nonce,
      'X-Signature': signature,
    },
    ...(method === 'POST' ? { body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.json() };
}

const submit = (query: string) => signed('POST', '/export', JSON.stringify({ query, email: 'admin@example.com' }));

describe('Redis restarted while an export runs', () => {
  it('answers 503 while Redis is away, recovers by itself, and the running export still records its result', async () => {
    const created = await submit(BIG);
    expect(created.status).toBe(202);
    const id = created.body.job_id as string;
    await waitFor(
      async () => ((await signed('GET', `/export/${id}`)).body.progress?.rows > 200_000 ? true : undefined),
      30_000,
      20,
    );

    await redis.stop();
    const asked = Date.now();
    const refused = await submit('SELECT 1 AS one');
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(refused).toEqual({
      status: 503,
      body: { error: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) },
    });
    expect((await signed('GET', `/export/${id}`)).status).toBe(503);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(503);

    await redis.start();
    // Nobody restarts the api: its next requests simply work again.
    const accepted = await waitFor(
      async () => {
        const res = await submit('SELECT 1 AS one');
        return res.status === 202 ? res : undefined;
      },
      20_000,
      250,
    );
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);

    const finished = await waitFor(
      async () => {
        const res = await signed('GET', `/export/${id}`);
        return ['COMPLETED', 'FAILED'].includes(res.body.status as string) ? res.body : undefined;
      },
      90_000,
      200,
    );
    expect(finished.error).toBeNull();
    expect(finished).toMatchObject({ status: 'COMPLETED', result: { rows: 4_000_000 } });
    const file = await readFile(path.join(harness.storageRoot, finished.result.storage_key as string));
    expect(createHash('sha256').update(file).digest('hex')).toBe(finished.result.sha256);
    expect(file.toString('latin1').split('\r\n')[4_000_000]).toBe('2000,2000,2000-2000');
    // It ran once: the outage neither failed it nor made it run again.
    const worker = processes[1]!;
    expect(worker.logs.filter((l) => l.message === 'export.started' && l.jobId === id)).toHaveLength(1);

    const small = await waitFor(async () => {
      const res = await signed('GET', `/export/${accepted.body.job_id as string}`);
      return res.body.status === 'COMPLETED' ? res.body : undefined;
    }, 60_000);
    expect(small.result.rows).toBe(1);
  }, 180_000);
});
