import type { Logger } from '@fluxquery/logger';
import type { WorkerMetrics } from '@fluxquery/metrics';
import { reconcileSchedulers, type RunDeps } from '@fluxquery/subscriptions';

/**
 * Repairs schedulers that BullMQ lost, at start and every SUBSCRIPTION_RECONCILE_INTERVAL: each
 * repair is logged (`subscription.scheduler_repaired`) and counted
 * (`fluxquery_subscription_scheduler_repairs_total`). Returns the stop.
 */
export function startReconciler(
  deps: RunDeps,
  intervalMs: number,
  logger: Logger,
  metrics?: WorkerMetrics,
): () => void {
  const reconcile = async (): Promise<void> => {
    for (const repair of await reconcileSchedulers(deps)) {
      metrics?.schedulerRepairs.inc({ kind: repair.kind });
      logger.warn('subscription.scheduler_repaired', { kind: repair.kind, subscriptionId: repair.subscriptionId });
    }
  };
  const run = () => reconcile().catch((error: unknown) => logger.warn('subscription.reconcile_failed', { error }));
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
