import { createClient } from '@fluxquery/client';
import { freePort, startTlsRedis, waitFor, type TlsRedis } from '@fluxquery/testkit';
import { createHarness, SECRET, type Harness } from './harness';
import { spawnApi, type ServiceProcess, startApiAndWorker, stopServices } from './service-process';

// Redis over TLS with a password, as managed Redis is run: a server of the test's own that speaks
// only TLS, a CA made for it (given to the processes as NODE_EXTRA_CA_CERTS), and the service
// pointed at it by REDIS_URL=rediss://:<password>@… alone.
let harness: Harness;
let redis: TlsRedis;
const processes: ServiceProcess[] = [];

beforeAll(async () => {
  harness = await createHarness('e2e_redis_tls');
  redis = await startTlsRedis('tls-redis-password');
}, 60_000);

afterAll(async () => {
  await stopServices(processes);
  await redis?.close();
  await harness?.close();
});

describe('Redis over TLS, with a password', () => {
  it('queues, runs and reports an export, every connection verified against the CA', async () => {
    const port = await freePort();
    const env = { REDIS_URL: redis.url, NODE_EXTRA_CA_CERTS: redis.caFile, SERVER_PORT: String(port) };
    processes.push(...(await startApiAndWorker(harness, env)));
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, secret: SECRET });
    const { job_id } = await client.submit({ query: 'SELECT 1 AS one, 2 AS two', email: 'ops@example.com' });
    const done = await client.wait(job_id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'COMPLETED', result: { rows: 1 } });
  });

  it('is refused by a process that does not trust the CA: the certificate is checked', async () => {
    const port = await freePort();
    const api = spawnApi(harness, { REDIS_URL: redis.url, SERVER_PORT: String(port) });
    processes.push(api);
    await waitFor(async () => (api.logs.some((l) => l.message === 'api.started') ? true : undefined));
    const ready = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res ? res.status : undefined;
    });
    expect(ready).toBe(503);
  });
});
