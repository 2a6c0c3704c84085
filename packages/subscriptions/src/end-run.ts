import type { ExportJobData, ExportOutcome, SubscriptionMailFacts } from '@fluxquery/export-job';
import { pauseSubscription } from './pause';
import type { RunDeps } from './run-deps';
import { decideDelivery } from './run-policy';
import type { RunOutcome } from './subscription';
import { mailFacts } from './subscription-notices';

/**
 * A run's export has ended for good. Its file is delivered unless the condition says otherwise
 * (`deliver` queues the email and the webhook, the subscription named in them); a failure is
 * mailed like any export's, and SUBSCRIPTION_MAX_FAILURES in a row pause the subscription and
 * tell its owner. The run's outcome and the subscription's counters are written last: a worker
 * that dies before runs the export again, and its follow-ups, one per export, are not repeated.
 */
export async function endRun(
  deps: RunDeps,
  data: ExportJobData,
  end: ExportOutcome,
  deliver: (facts: SubscriptionMailFacts) => Promise<void>,
): Promise<void> {
  const { id, tickMs } = data.subscription!;
  const subscription = await deps.store.get(id);
  // Deleted while it ran: there is no one to deliver to any more.
  if (!subscription) return;
  let outcome: RunOutcome;
  let reason: string | undefined;
  if ('result' in end) {
    const decision = decideDelivery(subscription, end.result);
    if (decision.deliver) await deliver(mailFacts(deps.links, subscription));
    outcome = decision.deliver ? 'delivered' : 'skipped';
    reason = decision.deliver ? undefined : decision.reason;
  } else {
    await deliver(mailFacts(deps.links, subscription));
    outcome = 'failed';
    reason = `[${end.failure.code}] ${end.failure.message}`;
  }
  const now = deps.now();
  const updated = await deps.store.update(id, (current) => ({
    ...current,
    ...(current.activeRun?.tickMs === tickMs ? { activeRun: undefined } : {}),
    consecutiveFailures: outcome === 'failed' ? current.consecutiveFailures + 1 : 0,
    ...(outcome === 'delivered' && 'result' in end ? { lastDelivered: { tickMs, sha256: end.result.sha256 } } : {}),
    updatedAt: now,
  }));
  await finishRun(deps, id, tickMs, { outcome, ...(reason ? { reason } : {}) });
  if (updated && outcome === 'failed' && updated.consecutiveFailures >= deps.settings.maxFailures) {
    const pauseReason = `${updated.consecutiveFailures} runs failed in a row; the last: ${reason}`;
    await pauseSubscription(deps, id, { by: 'failures', reason: pauseReason, notify: true });
  }
}

/** A running run gets its outcome, once. */
export async function finishRun(
  deps: Pick<RunDeps, 'store' | 'onOutcome' | 'now'>,
  id: string,
  tickMs: number,
  end: { outcome: RunOutcome; reason?: string },
): Promise<void> {
  let changed = false;
  await deps.store.updateRun(id, tickMs, (run) => {
    if (run.outcome !== 'running') return undefined;
    changed = true;
    return { ...run, ...end, at: deps.now() };
  });
  if (changed) deps.onOutcome?.(end.outcome);
}
