import type { ExportJob, ExportJobData } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';
import { endRun, type RunDeps } from '@fluxquery/subscriptions';
import { tellRequester, type NoticeDeps, type WorkerOutcome } from './tell-requester';

export interface SubscriberDeps extends NoticeDeps {
  /** Subscriptions' runs; absent: a run's export is told like any other. */
  runs?: RunDeps;
}

/**
 * An export ended for good. A request's own export tells its requester; a subscription's run
 * delivers by its condition, counts its failures and records its outcome (endRun). Never throws:
 * the file is committed whatever happens here.
 */
export async function reportEnd(
  deps: SubscriberDeps,
  logger: Logger,
  job: ExportJob,
  data: ExportJobData,
  outcome: WorkerOutcome,
): Promise<void> {
  if (!data.subscription || !deps.runs) return tellRequester(deps, logger, job, data, outcome);
  await endRun(deps.runs, data, outcome, (facts) => tellRequester(deps, logger, job, data, outcome, facts)).catch(
    (error: unknown) =>
      logger.error('subscription.run_end_failed', {
        subscriptionId: data.subscription?.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
}
