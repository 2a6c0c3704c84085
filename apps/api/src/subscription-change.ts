import type { Subscription } from '@fluxquery/subscriptions';
import type { SubscriptionChange } from './subscription-request';

/** A subscription with a PATCH's fields applied (all but status, which pauses or resumes it). */
export function applyChange(
  current: Subscription,
  change: Omit<SubscriptionChange, 'status'>,
  nowMs: number,
): Subscription {
  const { callbackUrl, ...request } = current.request;
  const nextCallback = change.callbackUrl === undefined ? callbackUrl : (change.callbackUrl ?? undefined);
  return {
    ...current,
    ...(change.name ? { name: change.name } : {}),
    ...(change.schedule ? { schedule: change.schedule } : {}),
    ...(change.condition ? { condition: change.condition } : {}),
    ...(change.misfire ? { misfire: change.misfire } : {}),
    request: {
      ...request,
      ...(change.query ? { query: change.query } : {}),
      ...(change.email ? { email: change.email } : {}),
      ...(nextCallback ? { callbackUrl: nextCallback } : {}),
    },
    updatedAt: nowMs,
  };
}
