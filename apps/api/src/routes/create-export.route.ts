import { AppError } from '@fluxquery/errors';
import { EXPORT_JOB_NAME, EXPORT_SCHEMA_VERSION, type ExportJobData } from '@fluxquery/export-job';
import { checkSelectQuery } from '@fluxquery/sql-guard';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { ApiDeps } from '../context';
import { parseExportRequest } from '../export-request';
import { withTimeout } from '../with-timeout';

/** POST /export: parse, check the SQL, enqueue, 202 {job_id}. Nothing is queued unless all checks pass. */
export function createExportRoute(deps: ApiDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = parseExportRequest(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    checkSelectQuery(request.query);
    const jobId = randomUUID();
    const data: ExportJobData = {
      schemaVersion: EXPORT_SCHEMA_VERSION,
      requestId: req.requestId,
      // parseExportRequest already left out every field the request did not set.
      ...request,
      requestedAt: new Date().toISOString(),
    };
    await withTimeout(deps.queue.add(EXPORT_JOB_NAME, data, { jobId }), 5_000).catch((error: unknown) => {
      throw new AppError('SERVICE_UNAVAILABLE', 'the job queue is unavailable; try again shortly', { cause: error });
    });
    deps.logger.info('export.queued', { requestId: req.requestId, jobId, format: data.format });
    res
      .status(202)
      .location(`/export/${jobId}`)
      .json({ job_id: jobId, status: 'PENDING', status_url: `/export/${jobId}` });
  };
}
