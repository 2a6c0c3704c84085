import type { Request, Response } from 'express';
import type { ApiDeps } from '../context';
import { describeExportJob } from '../export-view';
import { findOwnedJob } from '../find-owned-job';

/** GET /export/:id: the job's status, progress and, once done, its file or its error, and its delivery. */
export function getExportRoute(deps: ApiDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const snapshot = await findOwnedJob(deps, String(req.params.id ?? ''), req.client?.keyId);
    res.json(describeExportJob(snapshot, deps.links));
  };
}
