import {
  DELIVERY_JOB_NAME,
  DELIVERY_QUEUE_NAME,
  deliveryJobId,
  sealJob,
  type DeliveryJobData,
  type DeliveryQueue,
} from '@fluxquery/export-job';

/**
 * One delivery job per export, its id derived from the export's: a repeated add is a no-op. Sealed
 * like the api's export jobs: a delivery planted in Redis could mail any stored file to anyone.
 */
export function enqueueDeliveryOn(queue: DeliveryQueue, sealSecret: string): (data: DeliveryJobData) => Promise<void> {
  return async (data) => {
    const jobId = deliveryJobId(data.exportJobId);
    await queue.add(DELIVERY_JOB_NAME, sealJob(sealSecret, DELIVERY_QUEUE_NAME, jobId, data), { jobId });
  };
}
