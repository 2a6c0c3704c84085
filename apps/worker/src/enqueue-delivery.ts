import { DELIVERY_JOB_NAME, deliveryJobId, type DeliveryJobData, type DeliveryQueue } from '@fluxquery/export-job';

/** One delivery job per export, its id derived from the export's: a repeated add is a no-op. */
export function enqueueDeliveryOn(queue: DeliveryQueue): (data: DeliveryJobData) => Promise<void> {
  return async (data) => {
    await queue.add(DELIVERY_JOB_NAME, data, { jobId: deliveryJobId(data.exportJobId) });
  };
}
