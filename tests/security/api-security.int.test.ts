import { signV1, signV2 } from '@fluxquery/signing';
import { connectTestRedis, findRedisKeys } from '@fluxquery/testkit';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { createHarness, pollUntilDone, SECRET, TEST_LIMITS, testClient, type Harness } from '../e2e/harness';
import { webhookHeaders } from '@fluxquery/webhooks';
import { prepareSecurityDatabase, type SecurityDatabase } from './security-database';
import { ATTACKS, LEGIT } from './sql-corpus';

// The signed API end to end: signing, replays, keys and their policies, limits, the SQL corpora
// with a worker on the real read-only account, and the dashboard's lock.
let harness: Harness;
let sec: SecurityDatabase;
const ROTATING = ['old-secret-0123456789', 'new-secret-0123456789'];

beforeAll(async () => {
  harness = await createHarness('sec_api', {
    clients: (db) => [
      testClient('default', [SECRET], [db]),
      testClient('rotating', ROTATING, [db]),
      testClient('partner', ['partner-secret-0123456789'], [db], { allowedRecipientDomains: ['example.com'] }),
      testClient('tiny', ['tiny-secret-0123456789'], [db], {
        limits: { ...TEST_LIMITS, maxRows: 2, exportsPerMinute: 3, requestsPerMinute: 1_000 },
      }),
      testClient('small', ['small-secret-0123456789'], [db], { limits: { ...TEST_LIMITS, maxBytes: 1024 } }),
      testClient('chatty', ['chatty-secret-0123456789'], [db], {
        limits: { ...TEST_LIMITS, requestsPerMinute: 3 },
      }),
    ],
    dashboard: { user: 'admin', password: 'correct-horse-battery' },
  });
  sec = await prepareSecurityDatabase(harness.testDb, false, [
    'default',
    'rotating',
    'partner',
    'tiny',
    'small',
    'chatty',
  ]);
  harness.startWorker({ mysql: sec.reader, accessFor: sec.accessFor });
});
afterAll(async () => {
  await sec.drop();
  await harness.close();
});

const body = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ query: 'SELECT id FROM users', email: 'ops@example.com', format: 'json', ...fields });
const now = () => String(Math.floor(Date.now() / 1000));
const jobCount = async () => {
  // Exports wait as prioritized jobs (fair shares), so that state counts too.
  const counts = await harness.queue.getJobCounts('prioritized', 'waiting', 'active', 'completed', 'failed', 'delayed');
  return Object.values(counts).reduce((a, b) => a + b, 0);
};

function postV2(
  raw: string,
  override: Partial<Record<'keyId' | 'secret' | 'nonce' | 'timestamp' | 'signature', string>> = {},
) {
  const keyId = override.keyId ?? 'default';
  const timestamp = override.timestamp ?? now();
  const nonce = override.nonce ?? randomBytes(16).toString('hex');
  const secret = override.secret ?? SECRET;
  const signature =
    override.signature ??
    signV2({ secret, keyId, method: 'POST', path: '/export', query: '', timestamp, nonce, body: raw });
  return request(harness.app)
    .post('/export')
    .set('Content-Type', 'application/json')
    .set('X-Key-Id', keyId)
    .set('X-Timestamp', timestamp)
    .set('X-Nonce', nonce)
    .set('X-Signature', signature)
    .send(raw);
}

describe('replays', () => {
  it('refuses a v1 request sent twice, and queues it once', async () => {
    const before = await jobCount();
    const raw = body({ query: 'SELECT id FROM users WHERE id = 1' });
    const timestamp = now();
    const signature = signV1({ secret: SECRET, method: 'POST', path: '/export', body: raw, timestamp });
    const send = () =>
      request(harness.app)
        .post('/export')
        .set('Content-Type', 'application/json')
        .set('X-Timestamp', timestamp)
        .set('X-Signature', signature)
        .send(raw);
    expect((await send()).status).toBe(202);
    const replay = await send();
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatchObject({ code: 'REPLAYED_REQUEST', requestId: expect.any(String) });
    expect(await jobCount()).toBe(before + 1);
  });

  it('refuses a v2 nonce used twice, even on another request', async () => {
    const nonce = randomBytes(16).toString('hex');
    expect((await postV2(body(), { nonce })).status).toBe(202);
    const again = await postV2(body({ format: 'csv' }), { nonce });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('REPLAYED_REQUEST');
  });

  it('remembers only requests whose MAC verified, so garbage cannot fill Redis', async () => {
    const redis = connectTestRedis();
    try {
      const nonce = randomBytes(16).toString('hex');
      const bad = await postV2(body(), { nonce, secret: 'wrong-secret-0123456789' });
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe('INVALID_SIGNATURE');
      expect(await findRedisKeys(`*replay:v2:default:${nonce}`)).toEqual([]);
      expect((await postV2(body(), { nonce })).status).toBe(202);
      expect(await findRedisKeys(`*replay:v2:default:${nonce}`)).toHaveLength(1);
      const ttl = await redis.ttl((await findRedisKeys(`*replay:v2:default:${nonce}`))[0]!);
      // Accepted from its first second in the window to its last: 2 × 300 + 1 seconds at most.
      expect(ttl).toBeGreaterThanOrEqual(601);
      expect(ttl).toBeLessThanOrEqual(602);
    } finally {
      await redis.quit();
    }
  });

  it('refuses a webhook replayed at the api, though it carries the key, a fresh nonce and a valid MAC', async () => {
    // A receiver whose callback_url pointed at our /export holds a webhook signed with the key's
    // secret over POST /export; its own label keeps it from being a request (docs/webhooks.md).
    const raw = body();
    const headers = webhookHeaders({
      secret: SECRET,
      keyId: 'default',
      url: new URL('https://receiver.example.com/export'),
      body: raw,
      event: 'export.completed',
      deliveryId: 'd-1',
    });
    const before = await jobCount();
    const res = await postV2(raw, {
      timestamp: headers['X-Timestamp'],
      nonce: headers['X-Nonce'],
      signature: headers['X-Signature'],
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    expect(await jobCount()).toBe(before);
  });
});

describe('keys', () => {
  it('accepts both secrets of a key being rotated, and refuses a retired one', async () => {
    for (const secret of ROTATING) expect((await postV2(body(), { keyId: 'rotating', secret })).status).toBe(202);
    const retired = await postV2(body(), { keyId: 'rotating', secret: 'retired-secret-0123456789' });
    expect(retired.status).toBe(401);
    expect(retired.body.error.code).toBe('INVALID_SIGNATURE');
  });

  it.each([
    ['an unknown key id', { keyId: 'nobody' }, 'UNKNOWN_KEY'],
    ['a timestamp 301 s old', { timestamp: String(Number(now()) - 301) }, 'TIMESTAMP_OUT_OF_WINDOW'],
    ['a millisecond timestamp', { timestamp: `${now()}000` }, 'INVALID_SIGNATURE'],
    ['uppercase hex', { signature: 'v2=' + 'A'.repeat(64) }, 'INVALID_SIGNATURE'],
    ['bad hex', { signature: 'v2=' + 'g'.repeat(64) }, 'INVALID_SIGNATURE'],
    ['a wrong length', { signature: 'v2=' + 'a'.repeat(63) }, 'INVALID_SIGNATURE'],
  ])('refuses %s with 401, queueing nothing', async (_case, override, code) => {
    const before = await jobCount();
    const res = await postV2(body(), override);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(code);
    expect(await jobCount()).toBe(before);
  });

  it('lets a key read its own jobs only', async () => {
    const created = await postV2(body());
    expect(created.status).toBe(202);
    const id = created.body.job_id as string;
    expect((await harness.signed('GET', `/export/${id}`)).status).toBe(200);
    const other = await harness.signed('GET', `/export/${id}`, '', 'partner');
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
  });
});

describe('recipients', () => {
  it.each([
    ['a domain the key may not send to', 'ops@evil.example', 403, 'RECIPIENT_NOT_ALLOWED'],
    ['a subdomain of an allowed domain', 'ops@mail.example.com', 403, 'RECIPIENT_NOT_ALLOWED'],
    ['two addresses', 'ops@example.com, boss@evil.example', 400, 'VALIDATION_FAILED'],
    ['a header injection', 'ops@example.com\r\nBcc: spy@evil.example', 400, 'VALIDATION_FAILED'],
    ['a display name', 'Ops <ops@example.com>', 400, 'VALIDATION_FAILED'],
    ['a NUL byte', 'ops@example.com\u0000', 400, 'VALIDATION_FAILED'],
    [
      'an encoded word that some servers decode',
      '=?utf-8?q?spy=40evil.example?=@example.com',
      400,
      'VALIDATION_FAILED',
    ],
    ['percent-hack routing', 'spy%evil.example@example.com', 400, 'VALIDATION_FAILED'],
    ['bang-path routing', 'evil.example!spy@example.com', 400, 'VALIDATION_FAILED'],
    ['a quoted local part holding an @', '"spy@evil.example"@example.com', 400, 'VALIDATION_FAILED'],
    ['a Unicode look-alike domain', 'ops@exаmple.com', 400, 'VALIDATION_FAILED'],
    ['an IP literal', 'ops@[127.0.0.1]', 400, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_case, email, status, code) => {
    const before = await jobCount();
    const res = await postV2(body({ email }), { keyId: 'partner', secret: 'partner-secret-0123456789' });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await jobCount()).toBe(before);
  });

  it('accepts an allowed domain in any case', async () => {
    const res = await postV2(body({ email: 'Ops@EXAMPLE.com' }), {
      keyId: 'partner',
      secret: 'partner-secret-0123456789',
    });
    expect(res.status).toBe(202);
  });
});

describe('limits', () => {
  it('fails an export that returns more rows than its key allows, with the reason', async () => {
    const created = await postV2(body(), { keyId: 'tiny', secret: 'tiny-secret-0123456789' });
    expect(created.status).toBe(202);
    const { body: status } = await pollUntilDone(harness, created.body.job_id, 30_000, 'tiny');
    expect(status.status).toBe('FAILED');
    expect(status.error).toMatchObject({
      code: 'EXPORT_TOO_LARGE',
      message: expect.stringMatching(/more than 2 rows/),
    });
  });

  it('fails an export whose file grows past the byte limit of its key, and leaves no file behind', async () => {
    const query =
      "WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 500) SELECT n, REPEAT('x', 50) AS pad FROM seq";
    const created = await postV2(body({ query, format: 'csv' }), { keyId: 'small', secret: 'small-secret-0123456789' });
    expect(created.status).toBe(202);
    const { body: status } = await pollUntilDone(harness, created.body.job_id, 30_000, 'small');
    expect(status.status).toBe('FAILED');
    expect(status.error).toMatchObject({ code: 'EXPORT_TOO_LARGE', message: expect.stringMatching(/past 1024 bytes/) });
    const leftovers = await readdir(path.join(harness.storageRoot, '.partial')).catch(() => []);
    expect(leftovers).toEqual([]);
  });

  it('answers 429 with Retry-After once a key has used its exports for the minute, and only for that key', async () => {
    const statuses: number[] = [];
    let limited: request.Response | undefined;
    for (let i = 0; i < 4; i += 1) {
      const res = await postV2(body({ query: 'SELECT id FROM users LIMIT 1' }), {
        keyId: 'tiny',
        secret: 'tiny-secret-0123456789',
      });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    // The row-limit test above used one of tiny's three exports this minute.
    expect(statuses).toEqual([202, 202, 429, 429]);
    expect(limited?.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/3 exports a minute/),
    });
    const retryAfter = Number(limited?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await postV2(body())).status).toBe(202);
  });

  it('limits every signed request of a key, status polls included', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await harness.signed('GET', `/export/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, '', 'chatty')).status,
      );
    }
    expect(statuses).toEqual([404, 404, 404, 429]);
    // A new export meets both limits in one count; the requests limit is the one used up here.
    const post = await postV2(body(), { keyId: 'chatty', secret: 'chatty-secret-0123456789' });
    expect(post.status).toBe(429);
    expect(post.body.error.message).toMatch(/3 requests a minute/);
  });
});

describe('the SQL corpora through the signed API', () => {
  it('refuses every attack with a 4xx, and queues none', async () => {
    const before = await jobCount();
    const refused: [string, number, string][] = [];
    for (const attack of ATTACKS) {
      const res = await postV2(body({ query: sec.fill(attack.sql) }));
      refused.push([attack.sql, res.status, res.body.error?.code]);
    }
    for (const [sql, status, code] of refused) {
      expect({ sql, isClientError: status >= 400 && status < 500, code }).toEqual({
        sql,
        isClientError: true,
        code: expect.stringMatching(/^(INVALID_QUERY|SCHEMA_NOT_ALLOWED)$/),
      });
    }
    expect(await jobCount()).toBe(before);
  });

  it('exports every legitimate query, through the read-only account, with the rows the database returns', async () => {
    for (const legit of LEGIT) {
      const sql = sec.fill(legit.sql);
      const created = await postV2(body({ query: sql, format: 'json' }));
      expect({ covers: legit.covers, status: created.status }).toEqual({ covers: legit.covers, status: 202 });
      const { body: done } = await pollUntilDone(harness, created.body.job_id, 30_000);
      expect({ covers: legit.covers, status: done.status, error: done.error }).toEqual({
        covers: legit.covers,
        status: 'COMPLETED',
        error: null,
      });
      const [expected] = (await sec.test.db.query(sql.replace(/;\s*$/, ''))) as unknown as [unknown[]];
      const lines = (await harness.download(done)).toString('utf8').split('\n').filter(Boolean);
      expect({ covers: legit.covers, rows: lines.length }).toEqual({ covers: legit.covers, rows: expected.length });
      expect(lines.length).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe('the dashboard', () => {
  it('asks for credentials, refuses wrong ones, and opens with the right ones', async () => {
    const anonymous = await request(harness.app).get('/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic/);
    expect((await request(harness.app).get('/admin/queues').auth('admin', 'wrong')).status).toBe(401);
    expect((await request(harness.app).get('/admin/queues/api/queues').auth('admin', 'wrong')).status).toBe(401);
    expect((await request(harness.app).get('/admin/queues').auth('admin', 'correct-horse-battery')).status).toBe(200);
  });

  it('carries the security headers, and never says what serves it', async () => {
    const res = await request(harness.app).get('/admin/queues').auth('admin', 'correct-horse-battery');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'content-security-policy': expect.stringContaining("script-src 'self'"),
    });
    const api = await request(harness.app).get('/admin/queues/api/queues').auth('admin', 'correct-horse-battery');
    expect(api.headers['x-powered-by']).toBeUndefined();
  });

  it('is read-only by default: no job is added, edited, removed or run again through it', async () => {
    const auth = (r: request.Test) => r.auth('admin', 'correct-horse-battery');
    const created = await postV2(body());
    const jobId = created.body.job_id as string;
    const before = await harness.queue.getJob(jobId);
    const attempts = [
      auth(request(harness.app).post('/admin/queues/api/queues/exports/add')).send({
        name: 'export',
        data: { query: 'SELECT 1' },
      }),
      auth(request(harness.app).patch(`/admin/queues/api/queues/exports/${jobId}/update-data`)).send({
        data: { query: 'SELECT 2' },
      }),
      auth(request(harness.app).put(`/admin/queues/api/queues/exports/${jobId}/clean`)),
      auth(request(harness.app).put('/admin/queues/api/queues/exports/empty')),
      auth(request(harness.app).put('/admin/queues/api/queues/exports/obliterate')),
    ];
    attempts.push(auth(request(harness.app).put('/admin/queues/api/queues/exports/retry/failed')));
    attempts.push(auth(request(harness.app).put('/admin/queues/api/queues/exports/retry/completed')));
    for (const attempt of attempts) {
      const res = await attempt;
      expect(res.status).toBe(403);
      // In the board's own error shape, so that its page can show why (apps/api/src/dashboard.ts).
      expect(res.body).toMatchObject({ error: 'The dashboard is read-only', message: expect.any(String) });
    }
    const after = await harness.queue.getJob(jobId);
    expect(after?.data).toEqual(before?.data);
  });

  it('shows both queues: exports and their deliveries', async () => {
    const res = await request(harness.app).get('/admin/queues/api/queues').auth('admin', 'correct-horse-battery');
    expect(res.status).toBe(200);
    expect((res.body.queues as { name: string }[]).map((q) => q.name).sort()).toEqual(['deliveries', 'exports']);
  });
});

describe('response headers', () => {
  it('carry the security headers on API responses', async () => {
    const res = await harness.signed('GET', `/export/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.any(String),
      'content-security-policy': expect.any(String),
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
