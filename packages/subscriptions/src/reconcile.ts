import { finishRun } from './end-run';
import type { RunDeps } from './run-deps';
import type { Subscription } from './subscription';
import { scheduleTicks, schedulerFor, unscheduleTicks, type Scheduler } from './tick-queue';

/** What the reconciler found and repaired. */
export interface Repair {
  /** missing: an active subscription without a scheduler; changed: a scheduler with another schedule;
   * stalled: a scheduler whose next tick's job is gone; orphan: a scheduler without an active
   * subscription; stuck_run: a run whose export job is gone. */
  kind: 'missing' | 'changed' | 'stalled' | 'orphan' | 'stuck_run';
  subscriptionId: string;
}

/** The differences between the subscriptions and BullMQ's schedulers (pure: tested without Redis). */
export function compareSchedulers(subscriptions: Subscription[], schedulers: Scheduler[]): Repair[] {
  const byId = new Map(schedulers.map((scheduler) => [scheduler.key, scheduler]));
  const active = new Set<string>();
  const repairs: Repair[] = [];
  for (const subscription of subscriptions) {
    if (subscription.status !== 'active') continue;
    active.add(subscription.id);
    const scheduler = byId.get(subscription.id);
    if (!scheduler) repairs.push({ kind: 'missing', subscriptionId: subscription.id });
    else if (!sameSchedule(subscription, scheduler)) repairs.push({ kind: 'changed', subscriptionId: subscription.id });
  }
  for (const scheduler of schedulers) {
    if (!active.has(scheduler.key)) repairs.push({ kind: 'orphan', subscriptionId: scheduler.key });
  }
  return repairs;
}

function sameSchedule(subscription: Subscription, scheduler: Scheduler): boolean {
  const wanted = schedulerFor(subscription);
  return (
    scheduler.pattern === wanted.pattern &&
    (scheduler.tz ?? undefined) === wanted.tz &&
    toMs(scheduler.startDate) === toMs(wanted.startDate) &&
    toMs(scheduler.endDate) === toMs(wanted.endDate)
  );
}

const toMs = (value: number | string | Date | undefined | null) =>
  value === undefined || value === null ? undefined : new Date(value).getTime();

/**
 * BullMQ's schedulers can stop producing jobs (a next job removed by hand or lost, a scheduler
 * deleted): each worker compares them with the subscriptions at start and every
 * SUBSCRIPTION_RECONCILE_INTERVAL, and repairs each difference. The schedulers are read before
 * the subscriptions, so a subscription created in between is at worst scheduled twice (an upsert),
 * never unscheduled. Runs whose export job has disappeared get their outcome, so the next tick is
 * not skipped for ever behind them.
 */
export async function reconcileSchedulers(deps: RunDeps): Promise<Repair[]> {
  const schedulers = (await deps.ticks.getJobSchedulers(0, -1)) as Scheduler[];
  const subscriptions = await deps.store.all();
  const repairs = compareSchedulers(subscriptions, schedulers);
  const repaired = new Set(repairs.map((repair) => repair.subscriptionId));
  for (const scheduler of schedulers) {
    if (repaired.has(scheduler.key) || scheduler.next === undefined) continue;
    const job = await deps.ticks.getJob(`repeat:${scheduler.key}:${scheduler.next}`);
    if (!job) repairs.push({ kind: 'stalled', subscriptionId: scheduler.key });
  }
  const byId = new Map(subscriptions.map((subscription) => [subscription.id, subscription]));
  for (const repair of repairs) {
    const subscription = byId.get(repair.subscriptionId);
    if (repair.kind === 'orphan' || !subscription) await unscheduleTicks(deps.ticks, repair.subscriptionId);
    else await scheduleTicks(deps.ticks, deps.sealSecret, subscription);
  }
  for (const subscription of subscriptions) {
    const run = subscription.activeRun;
    if (!run || (await deps.exports.getJobState(run.jobId)) !== 'unknown') continue;
    await finishRun(deps, subscription.id, run.tickMs, {
      outcome: 'failed',
      reason: 'its export job disappeared from the queue',
    });
    await deps.store.update(subscription.id, (current) =>
      current.activeRun?.jobId === run.jobId ? { ...current, activeRun: undefined } : undefined,
    );
    repairs.push({ kind: 'stuck_run', subscriptionId: subscription.id });
  }
  return repairs;
}
