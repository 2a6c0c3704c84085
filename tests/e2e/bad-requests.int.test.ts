import { createApp } from '@fluxquery/api';
import { createCancelFlags, createCancelledJobs, createKeyBacklog, createRedisGuards } from '@fluxquery/coordination';
import { createDeliveryQueue, createExportQueue } from '@fluxquery/export-job';
import { createSilentLogger } from '@fluxquery/logger';
import { createDownloadToken, signV1 } from '@fluxquery/signing';
import { createLocalStorage } from '@fluxquery/storage';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import request from 'supertest';
import { createHarness, SECRET, TEST_LINKS, testClient, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness('e2e_bad'); // no worker: anything queued would stay visible
});

afterAll(async () => harness.close());

const GOOD = JSON.stringify({ query: 'SELECT * FROM users LIMIT 10', email: 'admin@example.com', format: 'csv' });
const now = () => Math.floor(Date.now() / 1000);

interface Case {
  name: string;
  status: number;
  code: string;
  send(): request.Test;
}

function signedPost(
  rawBody: string | Buffer,
  options: { timestamp?: number; signBody?: string | Buffer; headers?: Record<string, string> } = {},
): request.Test {
  const timestamp = String(options.timestamp ?? now());
  const signature = signV1({
    secret: SECRET,
    method: 'POST',
    path: '/export',
    body: options.signBody ?? rawBody,
    timestamp,
  });
  const req = request(harness.app)
    .post('/export')
    .set('X-Timestamp', timestamp)
    .set('X-Signature', signature)
    // superagent would JSON-encode a Buffer sent as application/json; raw bytes go as octet-stream.
    .set('Content-Type', Buffer.isBuffer(rawBody) ? 'application/octet-stream' : 'application/json');
  for (const [name, value] of Object.entries(options.headers ?? {})) req.set(name, value);
  return req.send(rawBody);
}

const withBody = (fields: Record<string, unknown>) =>
  JSON.stringify({ query: 'SELECT 1', email: 'admin@example.com', ...fields });

const cases: Case[] = [
  {
    name: 'no signature headers',
    status: 401,
    code: 'MISSING_SIGNATURE',
    send: () => request(harness.app).post('/export').set('Content-Type', 'application/json').send(GOOD),
  },
  {
    name: 'a signature made with another secret',
    status: 401,
    code: 'INVALID_SIGNATURE',
    send: () => {
      const timestamp = String(now());
      return request(harness.app)
        .post('/export')
        .set('X-Timestamp', timestamp)
        .set(
          'X-Signature',
          signV1({ secret: 'not-the-secret', method: 'POST', path: '/export', body: GOOD, timestamp }),
        )
        .send(GOOD);
    },
  },
  {
    name: 'a signature over a different body',
    status: 401,
    code: 'INVALID_SIGNATURE',
    send: () => signedPost(GOOD, { signBody: GOOD.replace('10', '1000') }),
  },
  {
    name: 'a timestamp 301 s in the past',
    status: 401,
    code: 'TIMESTAMP_OUT_OF_WINDOW',
    send: () => signedPost(GOOD, { timestamp: now() - 301 }),
  },
  {
    name: 'a timestamp 301 s in the future',
    status: 401,
    code: 'TIMESTAMP_OUT_OF_WINDOW',
    send: () => signedPost(GOOD, { timestamp: now() + 301 }),
  },
  {
    name: 'a signature that is not hex',
    status: 401,
    code: 'INVALID_SIGNATURE',
    send: () =>
      request(harness.app)
        .post('/export')
        .set('X-Timestamp', String(now()))
        .set('X-Signature', 'z'.repeat(64))
        .send(GOOD),
  },
  { name: 'a body that is not JSON', status: 400, code: 'INVALID_JSON', send: () => signedPost('{"query": SELECT') },
  { name: 'an empty body', status: 400, code: 'INVALID_JSON', send: () => signedPost('') },
  {
    name: 'a body that is not UTF-8',
    status: 400,
    code: 'INVALID_JSON',
    send: () => signedPost(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
  },
  { name: 'a JSON array', status: 400, code: 'VALIDATION_FAILED', send: () => signedPost('[]') },
  { name: 'JSON null', status: 400, code: 'VALIDATION_FAILED', send: () => signedPost('null') },
  {
    name: 'a body over the size limit',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    send: () => signedPost(withBody({ query: `SELECT '${'x'.repeat(70_000)}'` })),
  },
  {
    name: 'a gzip-encoded body',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: () => signedPost(GOOD, { headers: { 'Content-Encoding': 'gzip' } }),
  },
  {
    name: 'no query',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(JSON.stringify({ email: 'admin@example.com' })),
  },
  {
    name: 'no email',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(JSON.stringify({ query: 'SELECT 1' })),
  },
  {
    name: 'a query that is a number',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(withBody({ query: 42 })),
  },
  {
    name: 'an unknown format',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(withBody({ format: 'pdf' })),
  },
  {
    name: 'an unknown compression',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(withBody({ compression: 'brotli' })),
  },
  {
    name: 'an unknown field',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(withBody({ bcc: 'evil@example.com' })),
  },
  {
    name: 'a NUL byte in the query',
    status: 400,
    code: 'INVALID_QUERY',
    send: () => signedPost(withBody({ query: 'SELECT 1\u0000' })),
  },
  {
    name: 'a NUL byte in the CSV null token',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(withBody({ csv: { null: 'NA\u0000' } })),
  },
  {
    name: 'a recipient with a smuggled Bcc header',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(withBody({ email: 'a@example.com\r\nBcc: evil@example.com' })),
  },
  {
    name: 'a recipient list',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(withBody({ email: 'a@example.com, evil@example.com' })),
  },
  {
    name: 'a recipient with a display name',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: () => signedPost(withBody({ email: '"a@example.com" <evil@example.com>' })),
  },
  {
    name: 'a DELETE statement',
    status: 400,
    code: 'INVALID_QUERY',
    send: () => signedPost(withBody({ query: 'DELETE FROM users' })),
  },
  {
    name: 'two statements',
    status: 400,
    code: 'INVALID_QUERY',
    send: () => signedPost(withBody({ query: 'SELECT 1; DROP TABLE users' })),
  },
  {
    name: 'an executable comment',
    status: 400,
    code: 'INVALID_QUERY',
    send: () => signedPost(withBody({ query: 'SELECT 1 /*!50000 , SLEEP(10) */' })),
  },
  {
    name: 'SQL the parser cannot read',
    status: 400,
    code: 'INVALID_QUERY',
    send: () => signedPost(withBody({ query: 'SELEC * FRM users' })),
  },
  {
    name: 'a job id that is not a UUID',
    status: 404,
    code: 'NOT_FOUND',
    send: () => harness.signed('GET', '/export/../../etc/passwd'),
  },
  {
    name: 'an unsigned status request',
    status: 401,
    code: 'MISSING_SIGNATURE',
    send: () => request(harness.app).get('/export/00000000-0000-4000-8000-000000000000'),
  },
  { name: 'an unknown route', status: 404, code: 'NOT_FOUND', send: () => request(harness.app).get('/nowhere') },
];

describe('bad requests', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s gets a clear 4xx in the one error shape', async (_name, c) => {
    const res = await c.send();
    expect(res.status).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({
      error: {
        code: c.code,
        message: expect.any(String),
        requestId: expect.any(String),
        ...(res.body.error?.details ? { details: expect.any(Array) } : {}),
      },
    });
    expect(res.text).not.toMatch(/\n\s+at |node_modules/);
  });

  it('queued nothing for any of them', async () => {
    const counts = await harness.queue.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('accepts the published example request unchanged, as existing clients send it', async () => {
    const res = await signedPost(GOOD);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ job_id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'PENDING' });
    expect(await harness.queue.getJobCounts('waiting', 'prioritized')).toEqual({ waiting: 0, prioritized: 1 });
  });
});

describe('when Redis is unreachable', () => {
  it('answers 503 in the error shape, not 500, and readiness says so', async () => {
    // No reconnect loop: the connection fails once and stays closed, as in a lasting outage.
    const redis = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 1,
      connectTimeout: 500,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    const queue = createExportQueue({ connection: redis, prefix: 'fqtest:down', retentionMs: 60_000 });
    queue.on('error', () => undefined);
    const deliveries = createDeliveryQueue({ connection: redis, prefix: 'fqtest:down', retentionMs: 60_000 });
    deliveries.on('error', () => undefined);
    const app = createApp({
      queue,
      deliveries,
      storage: createLocalStorage({ root: tmpdir() }),
      links: TEST_LINKS,
      cancelFlags: createCancelFlags(redis, 'fqtest:down'),
      cancelled: createCancelledJobs(redis, 'fqtest:down'),
      sealSecret: 'test-job-seal-secret-0123456789',
      pingRedis: async () => void (await redis.ping()),
      logger: createSilentLogger(),
      clients: [testClient('default', [SECRET], ['fq_any'])],
      guards: createRedisGuards(redis, 'fqtest:down'),
      backlog: createKeyBacklog(redis, 'fqtest:down'),
      defaultSchema: 'fq_any',
      maxBodyBytes: 65_536,
    });
    try {
      const timestamp = String(now());
      const signature = signV1({ secret: SECRET, method: 'POST', path: '/export', body: GOOD, timestamp });
      const posted = await request(app)
        .post('/export')
        .set('X-Timestamp', timestamp)
        .set('X-Signature', signature)
        .send(GOOD);
      expect(posted.status).toBe(503);
      expect(posted.body.error.code).toBe('SERVICE_UNAVAILABLE');
      // A forged download link is refused on its signature alone, without waiting on Redis; a
      // genuine one needs the job store and gets the 503.
      const forged = await request(app).get(
        `/download/00000000-0000-4000-8000-000000000000.9999999999.${'A'.repeat(43)}`,
      );
      expect(forged.status).toBe(403);
      const genuine = createDownloadToken(TEST_LINKS.secret, {
        jobId: '00000000-0000-4000-8000-000000000000',
        expiresAt: now() + 600,
      });
      expect((await request(app).get(`/download/${genuine}`)).status).toBe(503);
      const ready = await request(app).get('/readyz');
      expect(ready.status).toBe(503);
      expect((await request(app).get('/healthz')).status).toBe(200);
    } finally {
      await queue.close().catch(() => undefined);
      await deliveries.close().catch(() => undefined);
      // disconnect() on a dead socket arms a 2 s timer that would outlive the test.
      if (redis.status !== 'end') redis.disconnect();
    }
  }, 20_000);
});
