import { compareSchedulers } from './reconcile';
import { decideDelivery, decideTick } from './run-policy';
import type { Subscription } from './subscription';
import type { Scheduler } from './tick-queue';

const NOW = Date.parse('2026-12-07T08:00:00Z');
const subscription = (extra: Partial<Subscription> = {}): Subscription => ({
  id: 's1',
  keyId: 'acme',
  name: 'Daily',
  request: { query: 'SELECT 1', email: 'a@example.com', format: 'csv' },
  schedule: { cron: '0 8 * * *', timeZone: 'UTC' },
  condition: 'always',
  misfire: 'run_once',
  status: 'active',
  statusSince: 0,
  createdAt: 0,
  updatedAt: 0,
  runCount: 0,
  consecutiveFailures: 0,
  ...extra,
});

describe('what a tick does', () => {
  it('runs on time, and a late tick by the misfire policy and the grace', () => {
    expect(decideTick(subscription(), NOW, NOW + 90_000, 3_600_000)).toEqual({ kind: 'run' });
    expect(decideTick(subscription(), NOW, NOW + 30 * 60_000, 3_600_000)).toEqual({ kind: 'run' });
    expect(decideTick(subscription(), NOW, NOW + 2 * 3_600_000, 3_600_000)).toMatchObject({ kind: 'missed' });
    expect(decideTick(subscription({ misfire: 'skip' }), NOW, NOW + 5 * 60_000, 3_600_000)).toMatchObject({
      kind: 'missed',
      reason: expect.stringMatching(/reached it 300 s late \(misfire "skip"\)/),
    });
  });

  it('never runs beside a run still going, nor past its end, nor when not active', () => {
    const busy = subscription({ activeRun: { tickMs: NOW - 86_400_000, jobId: 'j1' } });
    expect(decideTick(busy, NOW, NOW, 0)).toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/export j1\) was still going/),
    });
    // The same tick again (a retry of its own job) is not held back by itself.
    expect(decideTick(subscription({ activeRun: { tickMs: NOW, jobId: 'j2' } }), NOW, NOW, 0)).toEqual({ kind: 'run' });
    expect(
      decideTick(subscription({ schedule: { cron: '0 8 * * *', timeZone: 'UTC', endsAt: NOW - 1 } }), NOW, NOW, 0),
    ).toMatchObject({ kind: 'end' });
    expect(
      decideTick(
        subscription({ runCount: 3, schedule: { cron: '0 8 * * *', timeZone: 'UTC', maxRuns: 3 } }),
        NOW,
        NOW,
        0,
      ),
    ).toMatchObject({ kind: 'end', reason: expect.stringMatching(/max_runs/) });
    expect(decideTick(subscription({ status: 'paused' }), NOW, NOW, 0)).toEqual({ kind: 'ignore' });
  });
});

describe('whether a finished run is delivered', () => {
  it('follows the condition', () => {
    expect(decideDelivery(subscription(), { rows: 0, sha256: 'a' })).toEqual({ deliver: true });
    expect(decideDelivery(subscription({ condition: 'rows' }), { rows: 0, sha256: 'a' })).toMatchObject({
      deliver: false,
    });
    expect(decideDelivery(subscription({ condition: 'rows' }), { rows: 1, sha256: 'a' })).toEqual({ deliver: true });
    const changed = subscription({ condition: 'changed', lastDelivered: { tickMs: NOW, sha256: 'a' } });
    expect(decideDelivery(changed, { rows: 1, sha256: 'a' })).toMatchObject({
      deliver: false,
      reason: expect.stringContaining('2026-12-07T08:00:00.000Z'),
    });
    expect(decideDelivery(changed, { rows: 1, sha256: 'b' })).toEqual({ deliver: true });
    expect(decideDelivery(subscription({ condition: 'changed' }), { rows: 0, sha256: 'a' })).toEqual({ deliver: true });
  });
});

describe("the reconciler's comparison", () => {
  const scheduler = (key: string, extra: Partial<Scheduler> = {}): Scheduler => ({
    key,
    name: 'tick',
    pattern: '0 8 * * *',
    tz: 'UTC',
    ...extra,
  });
  it('finds each kind of difference, and none where they agree', () => {
    const subscriptions = [
      subscription({ id: 'same' }),
      subscription({ id: 'missing' }),
      subscription({ id: 'other-cron' }),
      subscription({ id: 'other-zone' }),
      subscription({ id: 'paused', status: 'paused' }),
    ];
    const schedulers = [
      scheduler('same'),
      scheduler('other-cron', { pattern: '0 9 * * *' }),
      scheduler('other-zone', { tz: 'Europe/Berlin' }),
      scheduler('paused'),
      scheduler('deleted'),
    ];
    expect(compareSchedulers(subscriptions, schedulers)).toEqual([
      { kind: 'missing', subscriptionId: 'missing' },
      { kind: 'changed', subscriptionId: 'other-cron' },
      { kind: 'changed', subscriptionId: 'other-zone' },
      { kind: 'orphan', subscriptionId: 'paused' },
      { kind: 'orphan', subscriptionId: 'deleted' },
    ]);
  });
});
