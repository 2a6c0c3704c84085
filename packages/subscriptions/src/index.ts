// Recurring exports: a subscription is a sealed export request plus a schedule, kept in Redis.
// The tick calculation on a zone's wall clock (schedule.ts), the contract and its store, the
// tick queue over BullMQ's job schedulers, what a tick does (start-run.ts, run-policy.ts), what
// the end of a run's export does (end-run.ts), pauses and their notices, and the reconciler.
// Used by the api (create, change, run now) and the workers (ticks, run ends, reconciler).
export { checkCron, nextTick, shortestGapMs, ticksBetween, invalidSchedule, type Schedule } from './schedule';
export {
  CONDITIONS,
  MISFIRES,
  type Condition,
  type Misfire,
  type PausedBy,
  type RunOutcome,
  type Subscription,
  type SubscriptionRun,
  type SubscriptionStatus,
} from './subscription';
export { createSubscriptionStore, type SubscriptionStore } from './subscription-store';
export {
  TICK_QUEUE_NAME,
  TICK_JOB_NAME,
  createTickQueue,
  tickQueueOptions,
  scheduleTicks,
  unscheduleTicks,
  tickOfJob,
  type TickJobData,
  type TickQueue,
} from './tick-queue';
export { runJobId } from './run-job-id';
export { decideTick, decideDelivery, ON_TIME_MS } from './run-policy';
export { startRun } from './start-run';
export { endRun, finishRun } from './end-run';
export { pauseSubscription, resumeSubscription } from './pause';
export { reconcileSchedulers, compareSchedulers, type Repair } from './reconcile';
export { subscriptionView, runView } from './subscription-view';
export { unsubscribeToken, tokenSubscriptionId, isUnsubscribeTokenFor } from './unsubscribe-token';
export { describeSchedule, type UnsubscribeLinks } from './subscription-notices';
export { runDepsFor, type RunDeps } from './run-deps';
