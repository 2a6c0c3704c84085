import type { RunDeps } from './run-deps';
import type { PausedBy, Subscription } from './subscription';
import { queuePauseNotices } from './subscription-notices';
import { scheduleTicks, unscheduleTicks } from './tick-queue';

/**
 * Pauses an active subscription and removes its scheduler; `notify`: its owner is told (email,
 * and the `subscription.paused` webhook). Returns the paused record, or undefined when it was
 * not active (already paused, ended, or gone): then nothing is sent.
 */
export async function pauseSubscription(
  deps: Pick<RunDeps, 'store' | 'ticks' | 'deliveries' | 'sealSecret' | 'links' | 'now'>,
  id: string,
  pause: { by: PausedBy; reason: string; notify: boolean },
): Promise<Subscription | undefined> {
  let paused: Subscription | undefined;
  await deps.store.update(id, (current) => {
    if (current.status !== 'active') return undefined;
    const now = deps.now();
    paused = {
      ...current,
      status: 'paused',
      pausedBy: pause.by,
      statusReason: pause.reason,
      statusSince: now,
      updatedAt: now,
    };
    return paused;
  });
  if (!paused) return undefined;
  await unscheduleTicks(deps.ticks, id);
  if (pause.notify) await queuePauseNotices(deps, paused);
  return paused;
}

/** A subscription past its ends_at or its max_runs ends for good. */
export async function endSubscription(deps: Pick<RunDeps, 'store' | 'ticks' | 'now'>, id: string, reason: string) {
  await deps.store.update(id, (current) => {
    if (current.status === 'ended') return undefined;
    const now = deps.now();
    const { pausedBy: _pausedBy, ...rest } = current;
    return { ...rest, status: 'ended', statusReason: reason, statusSince: now, updatedAt: now };
  });
  await unscheduleTicks(deps.ticks, id);
}

/**
 * Resumes a paused subscription (PATCH status "active", or the undo of an unsubscribe, which
 * resumes only what that unsubscribe paused) and schedules its ticks again from now. Its failure
 * count starts again. Undefined when there was nothing to resume.
 */
export async function resumeSubscription(
  deps: Pick<RunDeps, 'store' | 'ticks' | 'sealSecret' | 'now'>,
  id: string,
  onlyIfPausedBy?: PausedBy,
): Promise<Subscription | undefined> {
  let resumed: Subscription | undefined;
  await deps.store.update(id, (current) => {
    if (current.status !== 'paused' || (onlyIfPausedBy && current.pausedBy !== onlyIfPausedBy)) return undefined;
    const now = deps.now();
    const { pausedBy: _pausedBy, statusReason: _reason, ...rest } = current;
    resumed = { ...rest, status: 'active', statusSince: now, updatedAt: now, consecutiveFailures: 0 };
    return resumed;
  });
  if (resumed) await scheduleTicks(deps.ticks, deps.sealSecret, resumed);
  return resumed;
}
