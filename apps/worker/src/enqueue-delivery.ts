import {
  addDelivery,
  addWebhook,
  type DeliveryJobData,
  type DeliveryQueue,
  type WebhookJobData,
} from '@fluxquery/export-job';

/** The export processor's way to queue a delivery (sealed, one per export: `addDelivery`). */
export function enqueueDeliveryOn(queue: DeliveryQueue, sealSecret: string): (data: DeliveryJobData) => Promise<void> {
  return (data) => addDelivery(queue, sealSecret, data);
}

/** And its webhook, on the same queue (sealed, one per export: `addWebhook`). */
export function enqueueWebhookOn(queue: DeliveryQueue, sealSecret: string): (data: WebhookJobData) => Promise<void> {
  return (data) => addWebhook(queue, sealSecret, data);
}
