import type { KeyBacklog } from '@fluxquery/coordination';
import type { DeliveryQueue, ExportQueue } from '@fluxquery/export-job';
import type { ApiMetrics } from '@fluxquery/metrics';

/**
 * What `/metrics` reads from Redis at each scrape, for scaling and alerts (docs/operations.md,
 * docs/kubernetes.md): each queue's jobs by state (BullMQ's prioritized ones included, where every
 * export waits), and the age of the oldest export that has not started.
 */
export function measureQueues(
  metrics: ApiMetrics,
  work: { queue: ExportQueue; deliveries: DeliveryQueue; backlog: KeyBacklog; keyIds: readonly string[] },
): void {
  metrics.countJobsWith(async () => ({
    exports: await work.queue.getJobCounts(),
    deliveries: await work.deliveries.getJobCounts(),
  }));
  metrics.ageOldestWaitingWith(async () => (await work.backlog.oldestWaitingMs(work.keyIds)) / 1000);
}
