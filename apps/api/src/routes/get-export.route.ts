import { DEFAULT_KEY_ID } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import type { Request, Response } from 'express';
import type { ApiDeps } from '../context';
import { describeExportJob } from '../export-view';
import { withTimeout } from '../with-timeout';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /export/:id: the job's status, progress and, once done, its file or its error. */
export function getExportRoute(deps: ApiDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = String(req.params.id ?? '');
    if (!UUID.test(id)) throw new AppError('NOT_FOUND', 'no export job has this id');
    const view = await withTimeout(
      (async () => {
        const state = await deps.queue.getJobState(id);
        const job = await deps.queue.getJob(id);
        // A key sees its own jobs only; to any other key, a job does not exist.
        const owner = job?.data.keyId ?? DEFAULT_KEY_ID;
        return job && owner === req.client?.keyId ? describeExportJob(job, state) : undefined;
      })(),
      5_000,
    ).catch((error: unknown) => {
      throw new AppError('SERVICE_UNAVAILABLE', 'the job store is unavailable; try again shortly', { cause: error });
    });
    if (!view) throw new AppError('NOT_FOUND', 'no export job has this id (finished jobs are kept for a limited time)');
    res.json(view);
  };
}
