import type { ClientKey } from '@fluxquery/config';
import { createKeyBacklog, createSubscriptionRecords } from '@fluxquery/coordination';
import { createDeliveryQueue, createExportQueue, type DeliveryQueue, type ExportQueue } from '@fluxquery/export-job';
import { connectTestRedis, deleteRedisPrefix, uniquePrefix } from '@fluxquery/testkit';
import { endRun } from './end-run';
import { reconcileSchedulers } from './reconcile';
import type { RunDeps } from './run-deps';
import { runJobId } from './run-job-id';
import { startRun } from './start-run';
import type { Subscription } from './subscription';
import { createSubscriptionStore } from './subscription-store';
import { createTickQueue, scheduleTicks, type TickQueue } from './tick-queue';

// What a tick does, on real Redis and real BullMQ queues (no worker takes the exports here).
const prefix = uniquePrefix('subscription_runs');
const redis = connectTestRedis({ maxRetriesPerRequest: null });
const SEAL = 'test-seal-secret-0123456789';
const KEY: ClientKey = {
  keyId: 'acme',
  secrets: ['acme-secret-0123456789'],
  allowedSchemas: ['shop'],
  limits: {
    maxRows: 1_000,
    maxBytes: 1_000_000,
    timeoutMs: 60_000,
    exportsPerMinute: 100,
    requestsPerMinute: 100,
    maxConcurrentExports: 2,
  },
};
const MINUTE = 60_000;
let exportQueue: ExportQueue;
let deliveries: DeliveryQueue;
let ticks: TickQueue;
let clock = Date.parse('2026-12-07T08:00:00Z');
let deps: RunDeps;
let sequence = 0;

beforeAll(() => {
  const options = { connection: redis, prefix, retentionMs: 3_600_000 };
  exportQueue = createExportQueue(options);
  deliveries = createDeliveryQueue(options);
  ticks = createTickQueue(redis, prefix);
  deps = {
    store: createSubscriptionStore(createSubscriptionRecords(redis, `${prefix}:fq`), SEAL),
    ticks,
    exports: exportQueue,
    deliveries,
    backlog: createKeyBacklog(redis, `${prefix}:fq`),
    sealSecret: SEAL,
    clients: [KEY],
    policy: { defaultSchema: 'shop' },
    settings: {
      minIntervalMs: MINUTE,
      perKey: 3,
      maxFailures: 2,
      misfireGraceMs: 30 * MINUTE,
      reconcileIntervalMs: MINUTE,
    },
    links: { publicUrl: 'https://exports.example.com', secret: 'link-secret-0123456789' },
    now: () => clock,
  };
});

afterAll(async () => {
  await Promise.all([exportQueue.close(), deliveries.close(), ticks.close()]);
  await redis.quit();
  await deleteRedisPrefix(prefix);
});

async function subscribe(extra: Partial<Subscription> = {}): Promise<Subscription> {
  sequence += 1;
  const subscription: Subscription = {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    keyId: 'acme',
    name: `Daily ${sequence}`,
    request: { query: 'SELECT id FROM orders', email: 'ops@example.com', format: 'csv' },
    schedule: { cron: '0 8 * * *', timeZone: 'Europe/Berlin' },
    condition: 'always',
    misfire: 'run_once',
    status: 'active',
    statusSince: clock,
    createdAt: clock,
    updatedAt: clock,
    runCount: 0,
    consecutiveFailures: 0,
    ...extra,
  };
  await deps.store.create(subscription, 100);
  return subscription;
}

const at = (iso: string) => Date.parse(iso);
const outcomes = async (id: string) =>
  (await deps.store.runs(id)).map((run) => [new Date(run.tickMs).toISOString(), run.outcome]);

describe('a tick', () => {
  it('fired twice at once makes one run and one export', async () => {
    const { id } = await subscribe();
    const tickMs = at('2026-12-07T07:00:00Z');
    clock = tickMs + 150;
    const [first, second] = await Promise.all([
      startRun(deps, id, { tickMs, trigger: 'schedule' }),
      startRun(deps, id, { tickMs, trigger: 'schedule' }),
    ]);
    expect(first?.jobId).toBe(runJobId(id, tickMs));
    expect(second?.jobId).toBe(first?.jobId);
    const queued = (await exportQueue.getJobs(['prioritized', 'waiting'])).filter(
      (job) => job.data.subscription?.id === id,
    );
    expect(queued.map((job) => job.id)).toEqual([first?.jobId]);
    expect(queued[0]!.data).toMatchObject({ keyId: 'acme', subscription: { id, tickMs }, limits: { maxRows: 1_000 } });
    expect(await deps.store.get(id)).toMatchObject({ runCount: 1, activeRun: { tickMs, jobId: first?.jobId } });
    // The next tick, while that run goes on, is skipped and says why.
    clock = at('2026-12-08T07:00:00Z') + 100;
    const next = await startRun(deps, id, { tickMs: at('2026-12-08T07:00:00Z'), trigger: 'schedule' });
    expect(next).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/still going/) });
    expect(await outcomes(id)).toEqual([
      ['2026-12-08T07:00:00.000Z', 'skipped'],
      ['2026-12-07T07:00:00.000Z', 'running'],
    ]);
  });

  it('that everything was down for: run once on return within the grace, the ticks in between missed', async () => {
    const { id } = await subscribe();
    // Down from before 08:00 on the 7th until 08:10 on the 9th: BullMQ's one job is the 7th's.
    clock = at('2026-12-09T07:10:00Z');
    const run = await startRun(deps, id, { tickMs: at('2026-12-07T07:00:00Z'), trigger: 'schedule' });
    expect(run).toMatchObject({ outcome: 'running', tickMs: at('2026-12-09T07:00:00Z') });
    expect(await outcomes(id)).toEqual([
      ['2026-12-09T07:00:00.000Z', 'running'],
      ['2026-12-08T07:00:00.000Z', 'missed'],
      ['2026-12-07T07:00:00.000Z', 'missed'],
    ]);
  });

  it('that everything was down for: missed with misfire "skip", and past the grace with "run_once"', async () => {
    const skip = await subscribe({ misfire: 'skip' });
    clock = at('2026-12-09T07:10:00Z');
    expect(await startRun(deps, skip.id, { tickMs: at('2026-12-09T07:00:00Z'), trigger: 'schedule' })).toMatchObject({
      outcome: 'missed',
      reason: expect.stringMatching(/misfire "skip"/),
    });
    const late = await subscribe();
    clock = at('2026-12-09T08:30:00Z');
    expect(await startRun(deps, late.id, { tickMs: at('2026-12-09T07:00:00Z'), trigger: 'schedule' })).toMatchObject({
      outcome: 'missed',
      reason: expect.stringMatching(/SUBSCRIPTION_MISFIRE_GRACE/),
    });
    expect(
      (await exportQueue.getJobs(['prioritized', 'waiting'])).filter((j) =>
        [skip.id, late.id].includes(j.data.subscription?.id ?? ''),
      ),
    ).toEqual([]);
  });

  it('of a key whose policy no longer allows the query fails, pauses the subscription and tells its owner', async () => {
    const { id } = await subscribe({
      request: {
        query: 'SELECT id FROM archive.orders',
        email: 'ops@example.com',
        format: 'csv',
        callbackUrl: 'https://hooks.example.com/fluxquery',
      },
    });
    clock = at('2026-12-10T07:00:01Z');
    const run = await startRun(deps, id, { tickMs: at('2026-12-10T07:00:00Z'), trigger: 'schedule' });
    expect(run).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/SCHEMA_NOT_ALLOWED/) });
    expect(await deps.store.get(id)).toMatchObject({ status: 'paused', pausedBy: 'policy' });
    const notice = await deliveries.getJob(`email-pause-${id}-${clock}`);
    expect(notice?.data).toMatchObject({
      outcome: 'paused',
      email: 'ops@example.com',
      subscription: { id, unsubscribeUrl: expect.stringMatching(/^https:\/\/exports\.example\.com\/unsubscribe\//) },
    });
    // …and its callback gets the signed subscription.paused event, with the subscription as GET shows it.
    const webhook = await deliveries.getJob(`webhook-pause-${id}-${clock}`);
    expect(webhook?.data).toMatchObject({
      event: 'subscription.paused',
      callbackUrl: 'https://hooks.example.com/fluxquery',
      status: { event: 'subscription.paused', subscription_id: id, status: 'paused', paused_by: 'policy' },
    });
    const removedKey = await subscribe({ keyId: 'gone' });
    expect(await startRun(deps, removedKey.id, { tickMs: clock - 1, trigger: 'schedule' })).toMatchObject({
      outcome: 'failed',
      reason: 'its client key "gone" no longer exists',
    });
  });

  it('ends a subscription at max_runs, and a run that ends frees the next tick and counts failures', async () => {
    const { id } = await subscribe({ schedule: { cron: '0 8 * * *', timeZone: 'UTC', maxRuns: 1 } });
    clock = at('2026-12-11T08:00:00Z');
    const run = await startRun(deps, id, { tickMs: clock, trigger: 'schedule' });
    const data = (await exportQueue.getJob(run!.jobId!))!.data;
    const delivered: string[] = [];
    await endRun(deps, data, { failure: { code: 'QUERY_FAILED', message: 'no such table' } }, async (facts) => {
      delivered.push(facts.name);
    });
    expect(delivered).toHaveLength(1);
    const afterFailure = await deps.store.get(id);
    expect(afterFailure).toMatchObject({ consecutiveFailures: 1 });
    expect(afterFailure?.activeRun).toBeUndefined();
    clock = at('2026-12-12T08:00:00Z');
    expect(await startRun(deps, id, { tickMs: clock, trigger: 'schedule' })).toBeUndefined();
    expect(await deps.store.get(id)).toMatchObject({
      status: 'ended',
      statusReason: expect.stringMatching(/max_runs/),
    });
  });
});

describe('the reconciler', () => {
  it('adds a missing scheduler, removes one without an active subscription, and repairs one whose next job is gone', async () => {
    clock = Date.now();
    const active = await subscribe({ schedule: { cron: '0 8 * * *', timeZone: 'UTC' } });
    const paused = await subscribe({ status: 'paused', pausedBy: 'owner' });
    await scheduleTicks(ticks, SEAL, paused);
    const kinds = (await reconcileSchedulers(deps)).filter((r) => [active.id, paused.id].includes(r.subscriptionId));
    expect(kinds.map((r) => r.kind).sort()).toEqual(['missing', 'orphan']);
    expect(await ticks.getJobScheduler(active.id)).toMatchObject({ pattern: '0 8 * * *', tz: 'UTC' });
    expect(await ticks.getJobScheduler(paused.id)).toBeUndefined();
    // Its next tick's job lost (BullMQ will not remove a scheduler's job, so by hand in Redis):
    // the scheduler would never fire again.
    const scheduler = await ticks.getJobScheduler(active.id);
    const jobId = `repeat:${active.id}:${scheduler!.next}`;
    const queueKey = `{${prefix}:subscription-ticks}:subscription-ticks`;
    await redis.zrem(`${queueKey}:delayed`, jobId);
    await redis.del(`${queueKey}:${jobId}`);
    expect(await ticks.getJob(jobId)).toBeUndefined();
    const repairs = (await reconcileSchedulers(deps)).filter((r) => r.subscriptionId === active.id);
    expect(repairs).toEqual([{ kind: 'stalled', subscriptionId: active.id }]);
    const repaired = await ticks.getJobScheduler(active.id);
    expect(await ticks.getJob(`repeat:${active.id}:${repaired!.next}`)).toBeDefined();
    expect((await reconcileSchedulers(deps)).filter((r) => r.subscriptionId === active.id)).toEqual([]);
  });
});

describe('the store', () => {
  it('refuses a subscription planted or edited in Redis', async () => {
    const { id } = await subscribe();
    const key = `{${prefix}:fq:subs}:sub:${id}`;
    const text = (await redis.get(key))!;
    await redis.set(key, text.replace('SELECT id FROM orders', 'SELECT * FROM secrets'));
    await expect(deps.store.get(id)).rejects.toMatchObject({ code: 'JOB_SEAL_INVALID' });
  });

  it("holds at most a key's share", async () => {
    const records = createSubscriptionRecords(redis, `${prefix}:share`);
    const results = [];
    for (let i = 0; i < 4; i += 1)
      results.push(await records.create({ keyId: 'k', id: `s${i}`, text: '{}', createdAtMs: i, max: 3 }));
    expect(results).toEqual([true, true, true, false]);
  });
});
