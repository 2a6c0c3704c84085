import { createApp, createRedisGuards } from '@fluxquery/api';
import type { ClientKey, ClientLimits } from '@fluxquery/config';
import { createExportQueue, type ExportQueue } from '@fluxquery/export-job';
import { createSilentLogger } from '@fluxquery/logger';
import type { MysqlConnectionOptions } from '@fluxquery/mysql-source';
import { signV1, signV2 } from '@fluxquery/signing';
import { createLocalStorage } from '@fluxquery/storage';
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  uniquePrefix,
  type TestDatabase,
} from '@fluxquery/testkit';
import { createExportWorker, type ExportWorker } from '@fluxquery/worker';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { createTestReader } from './test-reader';

export const SECRET = 'devsecret';

export const TEST_LIMITS: ClientLimits = {
  maxRows: 10_000_000,
  maxBytes: 10 * 1024 ** 3,
  timeoutMs: 30_000,
  exportsPerMinute: 1_000,
  requestsPerMinute: 100_000,
};

/** A client key as the config would make it, reading the given schemas. */
export function testClient(
  keyId: string,
  secrets: string[],
  schemas: string[],
  extra: Partial<ClientKey> = {},
): ClientKey {
  return { keyId, secrets, allowedSchemas: schemas, limits: TEST_LIMITS, ...extra };
}

export interface Harness {
  app: Express;
  queue: ExportQueue;
  testDb: TestDatabase;
  storageRoot: string;
  startWorker(options?: {
    compressByDefault?: boolean;
    timeoutMs?: number;
    mysql?: MysqlConnectionOptions;
  }): ExportWorker;
  /** A v2-signed request with the default key (a fresh nonce each time, so polls never collide). */
  signed(method: 'GET' | 'POST' | 'DELETE', urlPath: string, body?: string, keyId?: string): request.Test;
  /** A request signed the way an existing client signs it (v1). */
  signedV1(method: 'GET' | 'POST' | 'DELETE', urlPath: string, body?: string): request.Test;
  close(): Promise<void>;
}

/** Real MariaDB (read through a SELECT-only account), real Redis, real files: one database, one BullMQ prefix and one folder per test file. */
export async function createHarness(
  label: string,
  options: { clients?: (database: string) => ClientKey[]; dashboard?: { user: string; password: string } } = {},
): Promise<Harness> {
  const testDb = await createTestDatabase(label);
  // The worker reads as a SELECT-only account, as in production (pnpm db:reader).
  const reader = await createTestReader(testDb, { maxConnections: 20 });
  const clients = options.clients?.(testDb.name) ?? [testClient('default', [SECRET], [testDb.name])];
  const prefix = uniquePrefix(label);
  const storageRoot = await mkdtemp(path.join(tmpdir(), `fq-${label}-`));
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = createExportQueue({ connection: redis, prefix, retentionMs: 3_600_000 });
  const logger = createSilentLogger();
  const app = createApp({
    queue,
    pingRedis: async () => void (await redis.ping()),
    logger,
    clients,
    guards: createRedisGuards(redis, prefix),
    defaultSchema: testDb.name,
    maxBodyBytes: 65_536,
    ...(options.dashboard ? { dashboard: options.dashboard } : {}),
  });
  const send = (method: 'GET' | 'POST' | 'DELETE', urlPath: string, body: string) => {
    const agent = request(app);
    const req = method === 'POST' ? agent.post(urlPath) : method === 'GET' ? agent.get(urlPath) : agent.delete(urlPath);
    return body ? req.set('Content-Type', 'application/json').send(body) : req;
  };
  const workers: ExportWorker[] = [];
  const workerRedis: Redis[] = [];

  return {
    app,
    queue,
    testDb,
    storageRoot,
    startWorker(options = {}) {
      const newWorkerRedis = (): Redis => {
        const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
        workerRedis.push(connection);
        return connection;
      };
      const worker = createExportWorker(
        {
          mysql: options.mysql ?? reader.connection,
          storage: createLocalStorage({ root: storageRoot }),
          logger,
          isCompressedByDefault: options.compressByDefault ?? false,
          timeoutMs: options.timeoutMs ?? 30_000,
          progressEveryMs: 100,
        },
        { connection: newWorkerRedis(), prefix, concurrency: 2 },
      );
      workers.push(worker);
      return worker;
    },
    signed(method, urlPath, body = '', keyId = 'default') {
      const client = clients.find((c) => c.keyId === keyId);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(16).toString('hex');
      const [pathOnly = '', query = ''] = urlPath.split('?');
      const signature = signV2({
        secret: client?.secrets[0] ?? 'no-such-key',
        keyId,
        method,
        path: pathOnly,
        query,
        timestamp,
        nonce,
        body,
      });
      return send(method, urlPath, body)
        .set('X-Key-Id', keyId)
        .set('X-Timestamp', timestamp)
        .set('X-Nonce', nonce)
        .set('X-Signature', signature);
    },
    signedV1(method, urlPath, body = '') {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = signV1({ secret: SECRET, method, path: urlPath.split('?')[0] ?? '', body, timestamp });
      return send(method, urlPath, body).set('X-Timestamp', timestamp).set('X-Signature', signature);
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(workerRedis.map((connection) => connection.quit()));
      await queue.close();
      await redis.quit();
      await deleteRedisPrefix(prefix);
      await reader.drop();
      await testDb.drop();
      await rm(storageRoot, { recursive: true, force: true });
    },
  };
}

/** Polls GET /export/:id, as a client would, until the status is final. Returns every status seen. */
export async function pollUntilDone(
  harness: Harness,
  jobId: string,
  timeoutMs = 30_000,
  keyId = 'default',
): Promise<{ seen: string[]; body: Record<string, any> }> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await harness.signed('GET', `/export/${jobId}`, '', keyId);
    if (res.status !== 200) throw new Error(`GET /export/${jobId} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const status = res.body.status as string;
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(status)) return { seen, body: res.body };
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Requests an export as a client would, waits for it to finish, and returns the final status. */
export async function exportAndWait(
  harness: Harness,
  fields: Record<string, unknown>,
  timeoutMs = 120_000,
): Promise<Record<string, any>> {
  const created = await harness.signed('POST', '/export', JSON.stringify({ email: 'admin@example.com', ...fields }));
  expect(created.status).toBe(202);
  const { body } = await pollUntilDone(harness, created.body.job_id as string, timeoutMs);
  expect(body.error).toBeNull();
  return body;
}
