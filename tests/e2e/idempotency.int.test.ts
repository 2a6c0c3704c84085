import { connectTestRedis, findRedisKeys } from '@fluxquery/testkit';
import { createHarness, SECRET, testClient, type Harness } from './harness';

// No worker: the jobs stay queued, so what is counted is exactly what the api queued.
let harness: Harness;

beforeAll(async () => {
  harness = await createHarness('e2e_idempotency', {
    clients: (db) => [testClient('default', [SECRET], [db]), testClient('other', ['other-secret-0123456789'], [db])],
  });
});

afterAll(async () => harness.close());

const body = (query = 'SELECT 1 AS one') => JSON.stringify({ query, email: 'admin@example.com' });
const post = (idempotencyKey: string | undefined, text = body(), keyId = 'default') => {
  const req = harness.signed('POST', '/export', text, keyId);
  return idempotencyKey === undefined ? req : req.set('Idempotency-Key', idempotencyKey);
};
// Exports wait as prioritized jobs (their key's backlog is their priority).
const jobCount = async () => (await harness.queue.getJobCounts('prioritized')).prioritized ?? 0;

describe('Idempotency-Key', () => {
  it('gives a retried request (signed anew) the job of the first one, and queues one job', async () => {
    const before = await jobCount();
    const first = await post('retry-me-1');
    const again = await post('retry-me-1');
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.job_id).toBe(first.body.job_id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await jobCount()).toBe(before + 1);
  });

  it('answers concurrent duplicates with one job', async () => {
    const before = await jobCount();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('burst-1')));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.job_id)).size).toBe(1);
    expect(await jobCount()).toBe(before + 1);
  });

  it('refuses the same key with another body with 409, queueing nothing', async () => {
    await post('changed-1', body('SELECT 1 AS one'));
    const before = await jobCount();
    const changed = await post('changed-1', body('SELECT 2 AS two'));
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await jobCount()).toBe(before);
  });

  it('keeps each client key’s idempotency keys apart', async () => {
    const mine = await post('shared-name');
    const theirs = await post('shared-name', body(), 'other');
    expect(theirs.status).toBe(202);
    expect(theirs.body.job_id).not.toBe(mine.body.job_id);
  });

  it('makes a new job each time without the header, and refuses a malformed key', async () => {
    const a = await post(undefined);
    const b = await post(undefined);
    expect(a.body.job_id).not.toBe(b.body.job_id);
    const bad = await post('has space');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('remembers a key no longer than the job is kept', async () => {
    await post('ttl-check');
    const redis = connectTestRedis();
    try {
      const [key] = await findRedisKeys('*claim:idem:default:*');
      expect(key).toBeDefined();
      const ttl = await redis.ttl(key!);
      expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);
      expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
    } finally {
      await redis.quit();
    }
  });
});
