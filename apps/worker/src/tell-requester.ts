import type { DownloadLinkSettings } from '@fluxquery/signing';
import type { AppError } from '@fluxquery/errors';
import {
  queueFollowUps,
  type DeliveryQueue,
  type ExportJob,
  type ExportJobData,
  type ExportJobResult,
  type SubscriptionMailFacts,
} from '@fluxquery/export-job';
import { describeExportJob, formatFailure } from '@fluxquery/job-status';
import type { Logger } from '@fluxquery/logger';

/** How the export ended, as the worker saw it. */
export type WorkerOutcome = { result: ExportJobResult } | { failure: AppError };

export interface NoticeDeps {
  /** The deliveries queue: the email and the webhook that follow an export. */
  deliveries: DeliveryQueue;
  /** JOB_SEAL_SECRET, which seals them. */
  sealSecret: string;
  /** For the download link in the status a webhook carries. */
  links: DownloadLinkSettings;
}

/**
 * Tells the requester how the export ended (queueFollowUps: the email, and the webhook when the
 * request had a callback_url). The file is committed whatever happens here: a queue that cannot
 * take them is logged, never allowed to fail (and so re-run) the export.
 */
export async function tellRequester(
  deps: NoticeDeps,
  logger: Logger,
  job: ExportJob,
  data: ExportJobData,
  outcome: WorkerOutcome,
  subscription?: SubscriptionMailFacts,
): Promise<void> {
  const failures = await queueFollowUps(deps.deliveries, deps.sealSecret, {
    exportJobId: String(job.id),
    data,
    outcome,
    finalStatus: () => finalStatus(deps, job, data, outcome),
    ...(subscription ? { subscription } : {}),
  });
  for (const { followUp, error } of failures) {
    logger.error(followUp === 'email' ? 'delivery.enqueue_failed' : 'webhook.enqueue_failed', {
      outcome: 'result' in outcome ? 'completed' : 'failed',
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * The status a poller will see once BullMQ has recorded the end of this attempt: built from the
 * job in hand by the same code as GET /export/:id, with the email and the webhook just queued.
 */
function finalStatus(deps: NoticeDeps, job: ExportJob, data: ExportJobData, outcome: WorkerOutcome) {
  const facts = {
    id: job.id,
    data,
    timestamp: job.timestamp,
    processedOn: job.processedOn,
    finishedOn: Date.now(),
    attemptsMade: job.attemptsMade + 1,
    progress: job.progress,
    returnvalue: 'result' in outcome ? outcome.result : undefined,
    failedReason: 'failure' in outcome ? formatFailure(outcome.failure.code, outcome.failure.message) : undefined,
  };
  const state = 'result' in outcome ? 'completed' : 'failed';
  return describeExportJob({ job: facts, state, delivery: 'queued', webhook: 'queued' }, deps.links);
}
