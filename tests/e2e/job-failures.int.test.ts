import {
  EXPORT_JOB_NAME,
  EXPORT_QUEUE_NAME,
  sealJob,
  EXPORT_SCHEMA_VERSION,
  createDeliveryQueue,
  createExportQueue,
  deliveryJobId,
  type DeliveryQueue,
  type ExportQueue,
} from '@fluxquery/export-job';
import { createCancelFlags } from '@fluxquery/coordination';
import { createSilentLogger } from '@fluxquery/logger';
import { createLocalStorage } from '@fluxquery/storage';
import { connectTestRedis, type TestRedis, deleteRedisPrefix, uniquePrefix, waitFor } from '@fluxquery/testkit';
import { createExportWorker, type ExportWorker } from '@fluxquery/worker';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { SECRET, TEST_LINKS, TEST_SEAL_SECRET, testClient } from './harness';

let prefix: string;
let redis: TestRedis;
let workerRedis: TestRedis;
let queue: ExportQueue;
let worker: ExportWorker;
let root: string;
let deliveries: DeliveryQueue;

beforeAll(async () => {
  prefix = uniquePrefix('failures');
  redis = connectTestRedis({ maxRetriesPerRequest: null });
  workerRedis = connectTestRedis({ maxRetriesPerRequest: null });
  queue = createExportQueue({ connection: redis, prefix, retentionMs: 60_000 });
  deliveries = createDeliveryQueue({ connection: redis, prefix, retentionMs: 60_000 });
  root = await mkdtemp(path.join(tmpdir(), 'fq-failures-'));
  worker = createExportWorker(
    {
      // Nothing listens on port 1: every attempt meets a database that is down.
      mysql: { host: '127.0.0.1', port: 1, user: 'root', password: '', database: 'none' },
      storage: createLocalStorage({ root }),
      logger: createSilentLogger(),
      isCompressedByDefault: false,
      timeoutMs: 5_000,
      deliveries,
      links: TEST_LINKS,
      cancelFlags: createCancelFlags(workerRedis, prefix),
      sealSecret: TEST_SEAL_SECRET,
      clients: [testClient('default', [SECRET], ['none'])],
      defaultSchema: 'none',
    },
    { connection: workerRedis, prefix, concurrency: 1 },
  );
});

afterAll(async () => {
  await worker.close();
  await Promise.all([queue.close(), deliveries.close()]);
  await Promise.all([redis.quit(), workerRedis.quit()]);
  await deleteRedisPrefix(prefix);
  await rm(root, { recursive: true, force: true });
});

const data = (overrides: Record<string, unknown> = {}) => ({
  schemaVersion: EXPORT_SCHEMA_VERSION as typeof EXPORT_SCHEMA_VERSION,
  requestId: 'test',
  query: 'SELECT 1',
  email: 'a@example.com',
  format: 'csv' as const,
  requestedAt: new Date().toISOString(),
  ...overrides,
});

/** Adds a job as the api does: sealed, under its own id. */
const addSealed = (payload: object, options: { attempts: number; delay?: number } = { attempts: 3 }) => {
  const jobId = randomUUID();
  return queue.add(EXPORT_JOB_NAME, sealJob(TEST_SEAL_SECRET, EXPORT_QUEUE_NAME, jobId, payload) as never, {
    jobId,
    backoff: { type: 'fixed', delay: 50 },
    ...options,
  });
};

const failedJob = (id: string) =>
  waitFor(async () => {
    // State first, then the job: the job hash is never older than the state read before it.
    const state = await queue.getJobState(id);
    return state === 'failed' ? queue.getJob(id) : undefined;
  });

describe('job failures', () => {
  it('retries a database outage with backoff, then fails with the reason and its code', async () => {
    const job = await addSealed(data());
    const failed = await failedJob(job.id!);
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toMatch(/^\[DATABASE_UNAVAILABLE\] the database could not be reached/);
    // One failure notice, after the last attempt only (one delivery id per export).
    const notices = (await deliveries.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter(
      (notice) => notice.data.exportJobId === job.id,
    );
    expect(notices.every((notice) => notice.timestamp >= (failed.processedOn ?? Infinity))).toBe(true);
    expect(notices.map((notice) => notice.data)).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        email: 'a@example.com',
        failure: { code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/^the database could not be reached/) },
      }),
    ]);
  });

  it('fails a sealed payload it cannot read at once, without retrying', async () => {
    const job = await addSealed(data({ schemaVersion: 99, query: 42 }));
    const failed = await failedJob(job.id!);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^\[INVALID_JOB\] the job payload is invalid/);
  });
});

describe('jobs the api did not queue', () => {
  it('refuses a job added straight to Redis, without a seal, before anything runs', async () => {
    const job = await queue.add(EXPORT_JOB_NAME, data(), { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const failed = await failedJob(job.id!);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^\[JOB_SEAL_INVALID\] the job was not queued by the api/);
    // Its recipient came from whoever planted it: nobody is mailed.
    expect(await deliveries.getJob(deliveryJobId(job.id!))).toBeUndefined();
  });

  it('refuses a sealed job whose data was changed after it was queued', async () => {
    // Delayed, so that no worker takes it first. (Not worker.pause(): on a Redis Cluster it waits
    // forever for its blocking connection's 'end', BullMQ issue #4065.)
    const job = await addSealed(data({ query: 'SELECT 1' }), { attempts: 3, delay: 60_000 });
    // As Bull Board's "update data" or redis-cli would, before a worker takes it.
    await job.updateData({ ...(job.data as object), query: 'SELECT 2', email: 'attacker@example.com' } as never);
    await job.promote();
    const failed = await failedJob(job.id!);
    expect(failed.failedReason).toMatch(/^\[JOB_SEAL_INVALID\]/);
  });

  it('runs the SQL guard and the key\u2019s schemas again on a sealed job', async () => {
    const job = await addSealed(data({ query: 'SELECT * FROM mysql.user' }));
    const failed = await failedJob(job.id!);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^\[INVALID_QUERY\] the system schema mysql/);
  });
});
