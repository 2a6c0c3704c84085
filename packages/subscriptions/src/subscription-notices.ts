import {
  addDelivery,
  addWebhook,
  DELIVERY_SCHEMA_VERSION,
  WEBHOOK_SCHEMA_VERSION,
  type DeliveryQueue,
  type SubscriptionMailFacts,
} from '@fluxquery/export-job';
import { randomUUID } from 'node:crypto';
import type { Subscription } from './subscription';
import { unsubscribeToken } from './unsubscribe-token';
import { subscriptionView } from './subscription-view';

/** Where unsubscribe links point and what signs them (PUBLIC_URL, DOWNLOAD_LINK_SECRET). */
export interface UnsubscribeLinks {
  publicUrl: string;
  secret: string;
}

export function describeSchedule(subscription: Subscription): string {
  return `${subscription.schedule.cron} (${subscription.schedule.timeZone})`;
}

function unsubscribeUrl(links: UnsubscribeLinks, subscription: Subscription): string {
  return `${links.publicUrl}/unsubscribe/${unsubscribeToken(links.secret, subscription.id, subscription.request.email)}`;
}

/** What each of its emails says of a subscription. */
export function mailFacts(links: UnsubscribeLinks, subscription: Subscription): SubscriptionMailFacts {
  return {
    id: subscription.id,
    name: subscription.name,
    schedule: describeSchedule(subscription),
    unsubscribeUrl: unsubscribeUrl(links, subscription),
  };
}

/**
 * A subscription that paused itself tells its owner: an email to its recipient, and a signed
 * `subscription.paused` webhook when it has a callback_url. One of each per pause.
 */
export async function queuePauseNotices(
  deps: { deliveries: DeliveryQueue; sealSecret: string; links: UnsubscribeLinks },
  subscription: Subscription,
): Promise<void> {
  const noticeId = `pause-${subscription.id}-${subscription.statusSince}`;
  const reason = subscription.statusReason ?? 'paused';
  await addDelivery(deps.deliveries, deps.sealSecret, {
    schemaVersion: DELIVERY_SCHEMA_VERSION,
    exportJobId: noticeId,
    requestId: noticeId,
    keyId: subscription.keyId,
    email: subscription.request.email,
    outcome: 'paused',
    pause: { reason, at: new Date(subscription.statusSince).toISOString() },
    subscription: mailFacts(deps.links, subscription),
  });
  if (!subscription.request.callbackUrl) return;
  await addWebhook(deps.deliveries, deps.sealSecret, {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    exportJobId: noticeId,
    keyId: subscription.keyId,
    callbackUrl: subscription.request.callbackUrl,
    event: 'subscription.paused',
    deliveryId: randomUUID(),
    status: { event: 'subscription.paused', ...subscriptionView(subscription, Date.now()) },
  });
}
