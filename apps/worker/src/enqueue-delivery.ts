import { addDelivery, type DeliveryJobData, type DeliveryQueue } from '@fluxquery/export-job';

/** The export processor's way to queue a delivery (sealed, one per export: `addDelivery`). */
export function enqueueDeliveryOn(queue: DeliveryQueue, sealSecret: string): (data: DeliveryJobData) => Promise<void> {
  return (data) => addDelivery(queue, sealSecret, data);
}
