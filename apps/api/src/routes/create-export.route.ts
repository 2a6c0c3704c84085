import type { ClientKey } from '@fluxquery/config';
import { exportJobFor } from '@fluxquery/export-job';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { DEFAULT_RETENTION_MS, type ApiDeps } from '../context';
import { checkExportPolicy } from '@fluxquery/export-policy';
import { parseExportRequest } from '../export-request';
import { claimIdempotencyKey, type IdempotentClaim } from '../idempotency';
import { confirmReplicated, queueExport } from '../queue-export';

/** POST /export: parse, check the SQL and the key's policy, enqueue, 202 {job_id}. Nothing is queued unless all pass. */
export function createExportRoute(deps: ApiDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const client = req.client as ClientKey;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const request = parseExportRequest(body);
    checkExportPolicy(request, client, deps);
    const jobId = randomUUID();
    const claim = await claimRequest(req, deps, { keyId: client.keyId, body, jobId });
    if (claim?.existingJobId) {
      // The same request again: the job the first one made, not a second export.
      await confirmReplicated(deps);
      res.setHeader('Idempotent-Replayed', 'true');
      answer(res, { job_id: claim.existingJobId });
      return;
    }
    // parseExportRequest already left out every field the request did not set.
    const data = exportJobFor(req.requestId, request, client);
    await queueExport(deps, jobId, data, claim);
    deps.logger.info('export.queued', { requestId: req.requestId, jobId, keyId: client.keyId, format: data.format });
    answer(res, { job_id: jobId, status: 'PENDING' });
  };
}

/** With an `Idempotency-Key`: this request's claim on it, or the job an earlier one made. */
function claimRequest(
  req: Request,
  deps: ApiDeps,
  input: { keyId: string; body: Buffer; jobId: string },
): Promise<IdempotentClaim | undefined> {
  const idempotencyKey = req.get('idempotency-key');
  if (!idempotencyKey) return Promise.resolve(undefined);
  const ttlMs = deps.jobRetentionMs ?? DEFAULT_RETENTION_MS;
  return claimIdempotencyKey(deps.guards, { ...input, idempotencyKey, ttlMs });
}

function answer(res: Response, fields: { job_id: string; status?: 'PENDING' }): void {
  const statusUrl = `/export/${fields.job_id}`;
  res
    .status(202)
    .location(statusUrl)
    .json({ ...fields, status_url: statusUrl });
}
