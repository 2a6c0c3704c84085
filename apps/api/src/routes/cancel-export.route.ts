import { AppError } from '@fluxquery/errors';
import { queueFollowUps, type ExportJob } from '@fluxquery/export-job';
import { describeExportJob, parseFailure, toExportStatus, type JobSnapshot } from '@fluxquery/job-status';
import type { Request, Response } from 'express';
import { DEFAULT_RETENTION_MS, type ApiDeps } from '../context';
import { findOwnedJob, notFound, readJobStore } from '../find-owned-job';

/**
 * DELETE /export/:id, for the key's own jobs. A waiting job is removed at once (200, CANCELLED). A
 * running one is flagged: whichever worker runs it sees the flag within a second, kills the query
 * and removes the partial file (202; the status turns CANCELLED). A finished job answers 409.
 */
export function cancelExportRoute(deps: ApiDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = String(req.params.id ?? '');
    const snapshot = await findOwnedJob(deps, id, req.client?.keyId);
    if (!snapshot) {
      const cancelled = await readJobStore(() => deps.cancelled.find(id));
      if (cancelled?.keyId === req.client?.keyId) throw alreadyFinished('CANCELLED');
      throw notFound();
    }
    const status = toExportStatus(snapshot.state, parseFailure(snapshot.job.failedReason));
    if (status !== 'PENDING' && status !== 'PROCESSING') throw alreadyFinished(status);
    // The flag first: a worker that takes the job between here and the removal refuses it.
    await readJobStore(() => deps.cancelFlags.request(id));
    if (status === 'PENDING' && (await removeWaiting(snapshot))) {
      await deps.backlog.leave(req.client?.keyId ?? '', id).catch(() => undefined);
      const view = await recordCancelled(deps, snapshot, req.client?.keyId ?? '');
      res.json(view);
      return;
    }
    res.status(202).json({ job_id: id, status: 'PROCESSING', cancel_requested: true, status_url: `/export/${id}` });
  };
}

/** False when a worker took the job meanwhile (BullMQ will not remove a locked job). */
async function removeWaiting(snapshot: JobSnapshot<ExportJob>): Promise<boolean> {
  return snapshot.job.remove().then(
    () => true,
    () => false,
  );
}

async function recordCancelled(deps: ApiDeps, snapshot: JobSnapshot<ExportJob>, keyId: string) {
  const { job } = snapshot;
  const now = new Date().toISOString();
  const error = { code: 'CANCELLED', message: 'the export was cancelled before it started' };
  // The email and the webhook are queued below, so they show as such in the webhook's body.
  const queued = describeExportJob({ ...snapshot, delivery: 'queued', webhook: 'queued' }, deps.links);
  const { delivery, ...base } = queued;
  const cancel = { requested_at: now, outcome: 'cancelled' as const };
  const view = { ...base, status: 'CANCELLED' as const, finished_at: now, result: null, error, cancel };
  await readJobStore(async () => {
    const record = { keyId, view, hasCallback: Boolean(job.data.callbackUrl) };
    await deps.cancelled.remember(String(job.id), record, deps.jobRetentionMs ?? DEFAULT_RETENTION_MS);
    // The requester hears of it, as of any export that ends without a file.
    const [failed] = await queueFollowUps(deps.deliveries, deps.sealSecret, {
      exportJobId: String(job.id),
      data: job.data,
      outcome: { failure: error },
      finalStatus: () => ({ ...view, delivery }),
    });
    if (failed) throw failed.error;
  });
  return view;
}

const alreadyFinished = (status: string) =>
  new AppError('ALREADY_FINISHED', `the export is already ${status.toLowerCase()} and cannot be cancelled`);
