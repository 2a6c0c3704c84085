import { nextTick } from './schedule';
import type { Subscription, SubscriptionRun } from './subscription';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * A subscription as GET /subscriptions/:id shows it (and 201, PATCH, and the `subscription.paused`
 * webhook): the export's fields under the request's names, the schedule, and what it is doing.
 */
export function subscriptionView(subscription: Subscription, nowMs: number): Record<string, unknown> {
  const { request, schedule } = subscription;
  const next = subscription.status === 'active' ? nextTick(schedule, nowMs) : undefined;
  return {
    subscription_id: subscription.id,
    name: subscription.name,
    status: subscription.status,
    status_reason: subscription.statusReason ?? null,
    status_since: iso(subscription.statusSince),
    paused_by: subscription.pausedBy ?? null,
    next_run_at: iso(next),
    schedule: {
      cron: schedule.cron,
      time_zone: schedule.timeZone,
      starts_at: iso(schedule.startsAt),
      ends_at: iso(schedule.endsAt),
      max_runs: schedule.maxRuns ?? null,
    },
    condition: subscription.condition,
    misfire: subscription.misfire,
    query: request.query,
    email: request.email,
    format: request.format,
    ...(request.compression ? { compression: request.compression } : {}),
    ...(request.csv ? { csv: csvView(request.csv) } : {}),
    ...(request.formulaGuard !== undefined ? { formula_guard: request.formulaGuard } : {}),
    ...(request.timeZone ? { time_zone: request.timeZone } : {}),
    ...(request.callbackUrl ? { callback_url: request.callbackUrl } : {}),
    run_count: subscription.runCount,
    consecutive_failures: subscription.consecutiveFailures,
    running_job_id: subscription.activeRun?.jobId ?? null,
    created_at: iso(subscription.createdAt),
    updated_at: iso(subscription.updatedAt),
  };
}

function csvView(csv: NonNullable<Subscription['request']['csv']>) {
  return {
    ...(csv.profile ? { profile: csv.profile } : {}),
    ...(csv.delimiter ? { delimiter: csv.delimiter === '\t' ? 'tab' : csv.delimiter } : {}),
    ...(csv.bom !== undefined ? { bom: csv.bom } : {}),
    ...(csv.nullToken !== undefined ? { null: csv.nullToken } : {}),
    ...(csv.header !== undefined ? { header: csv.header } : {}),
    ...(csv.lineEnding ? { line_ending: csv.lineEnding } : {}),
  };
}

/** A run as GET /subscriptions/:id/runs lists it. */
export function runView(run: SubscriptionRun): Record<string, unknown> {
  return {
    scheduled_at: iso(run.tickMs),
    trigger: run.trigger,
    outcome: run.outcome,
    reason: run.reason ?? null,
    job_id: run.jobId ?? null,
    updated_at: iso(run.at),
  };
}
