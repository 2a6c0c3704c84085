import type { Subscription } from './subscription';

/** How late a tick's job may start and still count as on time: past it, the misfire policy decides. */
export const ON_TIME_MS = 2 * 60_000;

export type TickDecision =
  | { kind: 'run' }
  /** Nothing to record: the subscription is no longer active (its scheduler is being removed). */
  | { kind: 'ignore' }
  /** It has reached ends_at or max_runs: it ends, and this tick is not run. */
  | { kind: 'end'; reason: string }
  | { kind: 'skipped' | 'missed'; reason: string };

/**
 * What a tick does, in this order: nothing for a subscription that is not active; the end once
 * ends_at or max_runs is reached; skipped while the previous run goes on (never two at once); and
 * for a tick whose job starts late (everything was down), the misfire policy: `skip` records it as
 * missed, `run_once` runs it if it is within the grace.
 */
export function decideTick(subscription: Subscription, tickMs: number, nowMs: number, graceMs: number): TickDecision {
  if (subscription.status !== 'active') return { kind: 'ignore' };
  const { schedule } = subscription;
  if (schedule.endsAt !== undefined && tickMs > schedule.endsAt) {
    return { kind: 'end', reason: `its schedule ended at ${new Date(schedule.endsAt).toISOString()}` };
  }
  if (schedule.maxRuns !== undefined && subscription.runCount >= schedule.maxRuns) {
    return { kind: 'end', reason: `it made its ${schedule.maxRuns} runs (max_runs)` };
  }
  const active = subscription.activeRun;
  if (active && active.tickMs !== tickMs) {
    const since = new Date(active.tickMs).toISOString();
    return { kind: 'skipped', reason: `the run of ${since} (export ${active.jobId}) was still going` };
  }
  const lateMs = nowMs - tickMs;
  if (lateMs <= ON_TIME_MS) return { kind: 'run' };
  const late = `the service was down at the tick and reached it ${Math.round(lateMs / 1000)} s late`;
  if (subscription.misfire === 'skip') return { kind: 'missed', reason: `${late} (misfire "skip")` };
  if (lateMs > graceMs) {
    return { kind: 'missed', reason: `${late}, after SUBSCRIPTION_MISFIRE_GRACE (${Math.round(graceMs / 1000)} s)` };
  }
  return { kind: 'run' };
}

export type DeliveryDecision = { deliver: true } | { deliver: false; reason: string };

/** A finished run's file is delivered unless its condition says otherwise. */
export function decideDelivery(subscription: Subscription, file: { rows: number; sha256: string }): DeliveryDecision {
  if (subscription.condition === 'rows' && file.rows === 0) {
    return { deliver: false, reason: 'the result had no rows (condition "rows")' };
  }
  const last = subscription.lastDelivered;
  if (subscription.condition === 'changed' && last?.sha256 === file.sha256) {
    const when = new Date(last.tickMs).toISOString();
    return { deliver: false, reason: `the file is the same as the one delivered for ${when} (condition "changed")` };
  }
  return { deliver: true };
}
