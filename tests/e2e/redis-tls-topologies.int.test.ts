import { createClient } from '@fluxquery/client';
import { freePort, startOwnCluster, startSentinelGroup, type OwnCluster, type SentinelGroup } from '@fluxquery/testkit';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHarness, SECRET, type Harness } from './harness';
import { type ServiceProcess, startApiAndWorker, stopServices } from './service-process';

// Sentinel and Cluster over TLS with passwords, as managed Redis runs them: groups of the test's
// own that speak only TLS (clients, replication, the cluster bus, the sentinels' ports), a CA made
// for them (NODE_EXTRA_CA_CERTS), and the service pointed at each by the documented settings alone.
let harness: Harness;
let cluster: OwnCluster | undefined;
let group: SentinelGroup | undefined;
const processes: ServiceProcess[] = [];

beforeAll(async () => {
  harness = await createHarness('e2e_redis_tls_topologies');
  await harness.testDb.db.query('CREATE TABLE numbers (n INT PRIMARY KEY, label VARCHAR(20))');
  const rows = Array.from({ length: 500 }, (_, n) => [n, `row ${n}`]);
  await harness.testDb.db.query('INSERT INTO numbers VALUES ?', [rows]);
}, 60_000);

afterAll(async () => {
  await stopServices(processes);
  await cluster?.close();
  await group?.close();
  await harness?.close();
});

/** Starts an api and a worker on `env`, runs one CSV export and checks its download. */
async function exportThrough(env: Record<string, string>): Promise<void> {
  const port = await freePort();
  const started = await startApiAndWorker(harness, { ...env, SERVER_PORT: String(port) });
  processes.push(...started);
  const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, secret: SECRET });
  const { job_id } = await client.submit({
    query: 'SELECT n, label FROM numbers ORDER BY n',
    email: 'ops@example.com',
  });
  const done = await client.wait(job_id, { timeoutMs: 30_000 });
  expect(done).toMatchObject({ status: 'COMPLETED', result: { rows: 500 } });
  const folder = await mkdtemp(path.join(tmpdir(), 'fq-tls-download-'));
  try {
    // The client checks the download against the sha256 the status gave.
    const target = path.join(folder, done.result!.file_name);
    expect(await client.download(done.result!, target)).toEqual({
      bytes: done.result!.bytes,
      sha256: done.result!.sha256,
    });
    expect((await readFile(target, 'utf8')).split('\r\n')[500]).toBe('499,row 499');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  await stopServices(started);
}

describe('Redis over TLS, with passwords', () => {
  it('runs an export on a TLS cluster: REDIS_CLUSTER_NODES, REDIS_PASSWORD, REDIS_TLS', async () => {
    cluster = await startOwnCluster({ tls: true, password: 'cluster-secret' });
    await exportThrough({
      REDIS_CLUSTER_NODES: cluster.nodes,
      REDIS_PASSWORD: 'cluster-secret',
      REDIS_TLS: 'true',
      NODE_EXTRA_CA_CERTS: cluster.caFile!,
    });
  }, 120_000);

  it("runs an export on a TLS Sentinel group: its own password and the data nodes' one", async () => {
    group = await startSentinelGroup({ tls: true, password: 'data-secret', sentinelPassword: 'sentinel-secret' });
    await exportThrough({
      REDIS_SENTINELS: group.sentinels,
      REDIS_SENTINEL_NAME: group.name,
      REDIS_PASSWORD: 'data-secret',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_TLS: 'true',
      NODE_EXTRA_CA_CERTS: group.caFile!,
    });
  }, 120_000);
});
