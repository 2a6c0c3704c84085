import { createApp, loadOpenApi, measureQueues } from '@fluxquery/api';
import type { ClientKey, ClientLimits } from '@fluxquery/config';
import {
  createCancelFlags,
  createCancelledJobs,
  createKeyBacklog,
  createKeySlots,
  createRedisGuards,
} from '@fluxquery/coordination';
import { createDeliveryQueue, createExportQueue, type DeliveryQueue, type ExportQueue } from '@fluxquery/export-job';
import { createSilentLogger } from '@fluxquery/logger';
import { createMailer, type MailerOptions } from '@fluxquery/mailer';
import { createApiMetrics, createWorkerMetrics, type ApiMetrics, type WorkerMetrics } from '@fluxquery/metrics';
import type { MysqlConnectionOptions, SessionAccess } from '@fluxquery/mysql-source';
import { signV1, signV2 } from '@fluxquery/signing';
import { createLocalStorage, type Storage } from '@fluxquery/storage';
import {
  createTestDatabase,
  deleteRedisPrefix,
  connectTestRedis,
  type TestRedis,
  uniquePrefix,
  type TestDatabase,
} from '@fluxquery/testkit';
import { createDeliveriesWorker, createExportWorker, type DeliveryWorker, type ExportWorker } from '@fluxquery/worker';
import type { Express } from 'express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { checkAgainstOpenApi } from './openapi-check';
import { createTestReader } from './test-reader';

export const SECRET = 'devsecret';
/** JOB_SEAL_SECRET in tests: shared by the api and the workers, as in a deployment. */
export const TEST_SEAL_SECRET = 'test-job-seal-secret-0123456789';

export const TEST_LIMITS: ClientLimits = {
  maxRows: 10_000_000,
  maxBytes: 10 * 1024 ** 3,
  timeoutMs: 30_000,
  exportsPerMinute: 1_000,
  requestsPerMinute: 100_000,
  maxConcurrentExports: 100,
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

/** As APP_ENV=development: webhooks may call a receiver on this machine over plain http. */
const TEST_CALLBACKS = { requireHttps: false, allowLoopback: true };

/** Download links in tests: absolute, under a base that only supertest ever resolves. */
export const TEST_LINKS = {
  secret: 'test-download-link-secret-0123456789',
  ttlMs: 3_600_000,
  publicUrl: 'http://fluxquery.test',
};

export interface HarnessOptions {
  clients?: (database: string) => ClientKey[];
  dashboard?: { user: string; password: string };
  /** The store the worker writes and the api serves; default: local files under `storageRoot`. */
  storage?: (storageRoot: string) => Storage;
  /** Default: no mail (statuses say `disabled`). */
  mailer?: (storageRoot: string) => MailerOptions;
  email?: { attachFile: boolean; maxMessageBytes: number };
  /** Shortens the wait between attempts of both jobs. */
  backoffMs?: number;
  /** PUBLIC_URL: download links point there (default: a base only supertest resolves). */
  publicUrl?: string;
  /** Where callbacks may go; default: as in development (http, loopback allowed). */
  callbacks?: { requireHttps: boolean; allowLoopback: boolean };
}

export interface Harness {
  app: Express;
  queue: ExportQueue;
  deliveries: DeliveryQueue;
  storage: Storage;
  /** The api's and the workers' Prometheus metrics, as the apps keep them. */
  apiMetrics: ApiMetrics;
  workerMetrics: WorkerMetrics;
  testDb: TestDatabase;
  /** The SELECT-only account workers read through. */
  reader: MysqlConnectionOptions;
  /** This file's BullMQ prefix (QUEUE_PREFIX for a worker process). */
  prefix: string;
  storageRoot: string;
  startWorker(options?: {
    compressByDefault?: boolean;
    timeoutMs?: number;
    /** Another account; with `accessFor` its key roles (default: none, the account's own privileges). */
    mysql?: MysqlConnectionOptions;
    accessFor?: (keyId: string | undefined) => SessionAccess;
  }): ExportWorker;
  /** A v2-signed request with the default key (a fresh nonce each time, so polls never collide). */
  signed(method: 'GET' | 'POST' | 'DELETE', urlPath: string, body?: string, keyId?: string): request.Test;
  /** A request signed the way an existing client signs it (v1). */
  signedV1(method: 'GET' | 'POST' | 'DELETE', urlPath: string, body?: string): request.Test;
  /** Fetches a finished export through its `download_url`, as a person clicking the link would. */
  download(status: Record<string, any>): Promise<Buffer>;
  close(): Promise<void>;
}

/** supertest's parser for a body kept as bytes. */
export function asBuffer(res: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** Real MariaDB (read through a SELECT-only account), real Redis, real files: one database, one BullMQ prefix and one folder per test file. */
export async function createHarness(label: string, options: HarnessOptions = {}): Promise<Harness> {
  const testDb = await createTestDatabase(label);
  const clients = options.clients?.(testDb.name) ?? [testClient('default', [SECRET], [testDb.name])];
  // The worker reads as a SELECT-only account with one role per key, as in production (pnpm db:reader).
  const reader = await createTestReader(
    testDb,
    { maxConnections: 20 },
    clients.map((client) => ({ keyId: client.keyId, schemas: client.allowedSchemas })),
  );
  const prefix = uniquePrefix(label);
  const storageRoot = await mkdtemp(path.join(tmpdir(), `fq-${label}-`));
  const redis = connectTestRedis({ maxRetriesPerRequest: null });
  const backoff = options.backoffMs ? { backoffMs: options.backoffMs } : {};
  const queue = createExportQueue({ connection: redis, prefix, retentionMs: 3_600_000, ...backoff });
  const deliveries = createDeliveryQueue({ connection: redis, prefix, retentionMs: 3_600_000, ...backoff });
  const storage = options.storage?.(storageRoot) ?? createLocalStorage({ root: storageRoot });
  const links = options.publicUrl ? { ...TEST_LINKS, publicUrl: options.publicUrl } : TEST_LINKS;
  const logger = createSilentLogger();
  const apiMetrics = createApiMetrics();
  const backlog = createKeyBacklog(redis, `${prefix}:fq`);
  measureQueues(apiMetrics, { queue, deliveries, backlog, keyIds: clients.map((client) => client.keyId) });
  const workerMetrics = createWorkerMetrics();
  const app = createApp({
    metrics: apiMetrics,
    queue,
    deliveries,
    storage,
    links,
    cancelFlags: createCancelFlags(redis, `${prefix}:fq`),
    cancelled: createCancelledJobs(redis, `${prefix}:fq`),
    sealSecret: TEST_SEAL_SECRET,
    pingRedis: async () => void (await redis.ping()),
    logger,
    clients,
    callbacks: options.callbacks ?? TEST_CALLBACKS,
    openApi: loadOpenApi(),
    guards: createRedisGuards(redis, `${prefix}:fq`),
    backlog,
    defaultSchema: testDb.name,
    maxBodyBytes: 65_536,
    ...(options.dashboard ? { dashboard: options.dashboard } : {}),
  });
  const send = (method: 'GET' | 'POST' | 'DELETE', urlPath: string, body: string) => {
    const agent = request(app);
    const req = method === 'POST' ? agent.post(urlPath) : method === 'GET' ? agent.get(urlPath) : agent.delete(urlPath);
    // Every answer is checked against docs/openapi.yaml (openapi-check.ts).
    req.expect((res) => checkAgainstOpenApi(method, urlPath, res));
    return body ? req.set('Content-Type', 'application/json').send(body) : req;
  };
  const workers: (ExportWorker | DeliveryWorker)[] = [];
  const mailer = createMailer(options.mailer?.(storageRoot) ?? { transport: 'none', from: 'exports@fluxquery.test' });
  const workerRedis: TestRedis[] = [];

  return {
    app,
    queue,
    deliveries,
    storage,
    apiMetrics,
    workerMetrics,
    testDb,
    reader: reader.connection,
    prefix,
    storageRoot,
    startWorker(workerOptions = {}) {
      const newWorkerRedis = (): TestRedis => {
        const connection = connectTestRedis({ maxRetriesPerRequest: null });
        workerRedis.push(connection);
        return connection;
      };
      const worker = createExportWorker(
        {
          mysql: workerOptions.mysql ?? reader.connection,
          ...(workerOptions.mysql
            ? workerOptions.accessFor && { accessFor: workerOptions.accessFor }
            : { accessFor: reader.accessFor }),
          storage,
          logger,
          isCompressedByDefault: workerOptions.compressByDefault ?? false,
          timeoutMs: workerOptions.timeoutMs ?? 30_000,
          progressEveryMs: 100,
          deliveries,
          links,
          cancelFlags: createCancelFlags(newWorkerRedis(), `${prefix}:fq`),
          keySlots: createKeySlots(newWorkerRedis(), queue, `${prefix}:fq`),
          backlog: createKeyBacklog(newWorkerRedis(), `${prefix}:fq`),
          sealSecret: TEST_SEAL_SECRET,
          metrics: workerMetrics,
          clients,
          defaultSchema: testDb.name,
        },
        { connection: newWorkerRedis(), prefix, concurrency: 2 },
      );
      const deliveryWorker = createDeliveriesWorker(
        {
          sealSecret: TEST_SEAL_SECRET,
          metrics: workerMetrics,
          storage,
          mailer,
          logger,
          links,
          attachFile: options.email?.attachFile ?? true,
          maxMessageBytes: options.email?.maxMessageBytes ?? 25_000_000,
          clients,
          callbacks: options.callbacks ?? TEST_CALLBACKS,
          webhookTimeoutMs: 2_000,
        },
        { connection: newWorkerRedis(), prefix },
      );
      workers.push(worker, deliveryWorker);
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
    async download(status) {
      const link = new URL(status.result.download_url as string);
      const res = await request(app)
        .get(link.pathname)
        .buffer(true)
        .parse(asBuffer)
        .expect((answer) => checkAgainstOpenApi('GET', link.pathname, answer));
      if (res.status === 302) {
        const redirected = await fetch(res.headers.location as string);
        if (redirected.status !== 200) throw new Error(`the presigned URL answered ${redirected.status}`);
        return Buffer.from(await redirected.arrayBuffer());
      }
      if (res.status !== 200) throw new Error(`GET ${link.pathname} answered ${res.status}: ${String(res.body)}`);
      return res.body as Buffer;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      mailer.close();
      await Promise.all(workerRedis.map((connection) => connection.quit()));
      await queue.close();
      await deliveries.close();
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
