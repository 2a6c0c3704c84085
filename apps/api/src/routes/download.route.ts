import { AppError } from '@fluxquery/errors';
import type { ExportJobResult } from '@fluxquery/export-job';
import { checkDownloadToken } from '@fluxquery/signing';
import type { Request, Response } from 'express';
import type { ApiDeps } from '../context';
import { sendStoredFile } from '../send-stored-file';
import { readJobStore } from '../find-owned-job';

// A presigned S3 URL lives only this long: each click on the (long-lived) link signs a new one
// with the credentials in force then, so the link survives their rotation.
const PRESIGNED_SECONDS = 300;

/**
 * GET /download/:token: the link in emails and statuses. The token is checked first, without
 * touching Redis or storage; then the job says where the file is. Local files are streamed (with
 * Range and ETag); S3 objects get a 302 to a freshly presigned URL.
 */
export function downloadRoute(deps: ApiDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const check = checkDownloadToken(deps.links.secret, String(req.params.token ?? ''), nowSeconds(deps));
    if (!check.isValid) {
      throw check.reason === 'expired'
        ? new AppError('LINK_EXPIRED', 'this download link has expired; ask for the export again')
        : new AppError('LINK_INVALID', 'this download link is not valid; copy the whole link from the email');
    }
    const file = await findFinishedFile(deps, check.claims.jobId);
    const size = await deps.storage.size(file.key);
    if (size === undefined) throw gone();
    res.setHeader('Cache-Control', 'private, no-store');
    if (deps.storage.presignDownload) {
      const url = await deps.storage.presignDownload(file.key, {
        fileName: file.fileName,
        contentType: file.contentType,
        expiresInSeconds: PRESIGNED_SECONDS,
      });
      res.redirect(302, url);
      return;
    }
    await sendStoredFile(req, res, deps.storage, { ...file, bytes: size });
  };
}

async function findFinishedFile(deps: ApiDeps, jobId: string): Promise<ExportJobResult> {
  const found = await readJobStore(async () => {
    const state = await deps.queue.getJobState(jobId);
    const job = state === 'completed' ? await deps.queue.getJob(jobId) : undefined;
    return job?.returnvalue;
  });
  if (!found) throw gone();
  return found;
}

const gone = () => new AppError('FILE_GONE', 'this export is no longer available; ask for it again');
const nowSeconds = (deps: ApiDeps) => Math.floor((deps.now ?? Date.now)() / 1000);
