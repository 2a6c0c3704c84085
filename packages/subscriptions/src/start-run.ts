import { addExport, exportJobFor } from '@fluxquery/export-job';
import type { ClientKey } from '@fluxquery/config';
import { AppError, isAppError } from '@fluxquery/errors';
import { checkExportPolicy } from '@fluxquery/export-policy';
import { pauseSubscription, endSubscription } from './pause';
import type { RunDeps } from './run-deps';
import { decideTick } from './run-policy';
import { runJobId } from './run-job-id';
import { ticksBetween } from './schedule';
import type { Subscription, SubscriptionRun } from './subscription';

/**
 * A tick (or POST /subscriptions/:id/run) becomes at most one export. The run is claimed in Redis
 * under its tick before anything is queued, and the export's job id is derived from the tick, so
 * a tick fired twice, or retried after a crash at any step, queues one export: a second claim
 * finds the first run and only makes sure its export is queued (BullMQ ignores an id it has).
 */
export async function startRun(
  deps: RunDeps,
  id: string,
  tick: { tickMs: number; trigger: SubscriptionRun['trigger'] },
): Promise<SubscriptionRun | undefined> {
  const subscription = await deps.store.get(id);
  if (!subscription) return undefined;
  const now = deps.now();
  let tickMs = tick.tickMs;
  if (tick.trigger === 'schedule') {
    tickMs = await recordMissedTicks(deps, subscription, tickMs, now);
    const decision = decideTick(subscription, tickMs, now, deps.settings.misfireGraceMs);
    if (decision.kind === 'ignore') return undefined;
    if (decision.kind === 'end') {
      await endSubscription(deps, id, `it ended: ${decision.reason}`);
      return undefined;
    }
    if (decision.kind !== 'run')
      return recordOutcome(deps, id, {
        tickMs,
        trigger: 'schedule',
        outcome: decision.kind,
        reason: decision.reason,
        at: now,
      });
  }
  const client = await checkStillAllowed(deps, subscription, { tickMs, trigger: tick.trigger });
  if (!client) return deps.store.getRun(id, tickMs);
  const jobId = runJobId(id, tickMs);
  const run: SubscriptionRun = { tickMs, trigger: tick.trigger, outcome: 'running', jobId, at: now };
  if (!(await deps.store.claimRun(id, run))) {
    const earlier = await deps.store.getRun(id, tickMs);
    if (earlier?.outcome !== 'running') return earlier;
  }
  await deps.store.update(id, (current) =>
    current.activeRun?.tickMs === tickMs
      ? undefined
      : {
          ...current,
          activeRun: { tickMs, jobId },
          runCount: current.runCount + (tick.trigger === 'schedule' ? 1 : 0),
          updatedAt: now,
        },
  );
  await queueRunExport(deps, subscription, client, { jobId, tickMs });
  return run;
}

/**
 * BullMQ makes one job per scheduler at a time, computed from the moment the last one started: ticks
 * that fell while everything was down never get a job. Each is recorded here as missed; the run (or
 * the misfire policy) is about the latest of them.
 */
async function recordMissedTicks(deps: RunDeps, subscription: Subscription, tickMs: number, now: number) {
  const later = ticksBetween(subscription.schedule, tickMs, now, 500);
  if (later.length === 0 || subscription.status !== 'active') return tickMs;
  const missed = [tickMs, ...later.slice(0, -1)];
  for (const missedMs of missed) {
    const reason = `the service was down at the tick; a later tick (${new Date(later.at(-1)!).toISOString()}) stands for it`;
    await recordOutcome(deps, subscription.id, {
      tickMs: missedMs,
      trigger: 'schedule',
      outcome: 'missed',
      reason,
      at: now,
    });
  }
  return later.at(-1)!;
}

async function recordOutcome(deps: RunDeps, id: string, run: SubscriptionRun): Promise<SubscriptionRun> {
  if (await deps.store.claimRun(id, run)) {
    deps.onOutcome?.(run.outcome);
    return run;
  }
  return (await deps.store.getRun(id, run.tickMs)) ?? run;
}

/**
 * Everything POST /export checks, again at every run: the key must still exist and its policy
 * (schemas, recipients, callback hosts) must still allow the request. Otherwise the subscription
 * pauses itself and its owner is told why; a tick's run fails with the reason, and a run asked
 * for now (POST /subscriptions/:id/run) is answered with the refusal.
 */
async function checkStillAllowed(
  deps: RunDeps,
  subscription: Subscription,
  tick: { tickMs: number; trigger: SubscriptionRun['trigger'] },
): Promise<ClientKey | undefined> {
  const client = deps.clients.find((candidate) => candidate.keyId === subscription.keyId);
  const refusal = client
    ? policyRefusal(deps, subscription, client)
    : new AppError('UNKNOWN_KEY', `its client key "${subscription.keyId}" no longer exists`);
  if (!refusal) return client;
  const reason = client ? `its key's policy refuses it now: [${refusal.code}] ${refusal.message}` : refusal.message;
  // A run asked for now answers the refusal itself, and records no run; a tick records its failure.
  if (tick.trigger === 'schedule') {
    await recordOutcome(deps, subscription.id, { ...tick, outcome: 'failed', reason, at: deps.now() });
  }
  await pauseSubscription(deps, subscription.id, { by: 'policy', reason, notify: true });
  if (tick.trigger === 'manual') throw refusal;
  return undefined;
}

/** The key's policy's 4xx for this request, if it refuses it now. */
function policyRefusal(deps: RunDeps, subscription: Subscription, client: ClientKey): AppError | undefined {
  try {
    checkExportPolicy(subscription.request, client, deps.policy);
    return undefined;
  } catch (error) {
    if (!isAppError(error) || error.status >= 500) throw error;
    return error;
  }
}

async function queueRunExport(
  deps: RunDeps,
  subscription: Subscription,
  client: ClientKey,
  run: { jobId: string; tickMs: number },
): Promise<void> {
  const requestId = `subscription-${subscription.id}-${run.tickMs}`;
  const data = exportJobFor(requestId, subscription.request, client, { id: subscription.id, tickMs: run.tickMs });
  await addExport(deps.exports, deps.backlog, deps.sealSecret, { jobId: run.jobId, data }).catch((error: unknown) => {
    throw new AppError('SERVICE_UNAVAILABLE', 'the job queue is unavailable; try again shortly', { cause: error });
  });
}
