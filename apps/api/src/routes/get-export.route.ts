import type { Request, Response } from 'express';
import type { ApiDeps } from '../context';
import { describeDelivery, describeExportJob, describeWebhook } from '@fluxquery/job-status';
import { findDelivery, findOwnedJob, findWebhook, notFound, readJobStore } from '../find-owned-job';

/** GET /export/:id: the job's status, progress and, once done, its file or its error, and its delivery. */
export function getExportRoute(deps: ApiDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = String(req.params.id ?? '');
    const snapshot = await findOwnedJob(deps, id, req.client?.keyId);
    if (snapshot) {
      res.json(describeExportJob(snapshot, deps.links));
      return;
    }
    // A job cancelled while it waited is gone from the queue; its final status was kept.
    const cancelled = await readJobStore(() => deps.cancelled.find(id));
    if (!cancelled || cancelled.keyId !== req.client?.keyId) throw notFound();
    const delivery = await readJobStore(() => findDelivery(deps, id));
    const webhook = cancelled.hasCallback ? await readJobStore(() => findWebhook(deps, id)) : undefined;
    res.json({
      ...cancelled.view,
      delivery: {
        email: describeDelivery(true, delivery),
        webhook: cancelled.hasCallback ? describeWebhook(true, webhook) : null,
      },
    });
  };
}
