import type { ClientKey } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import {
  EXPORT_JOB_NAME,
  EXPORT_QUEUE_NAME,
  EXPORT_SCHEMA_VERSION,
  sealJob,
  type ExportJobData,
} from '@fluxquery/export-job';
import { checkSelectQuery } from '@fluxquery/sql-guard';
import { checkCallbackUrl } from '@fluxquery/webhooks';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { DEFAULT_RETENTION_MS, type ApiDeps } from '../context';
import { parseExportRequest } from '../export-request';
import { claimIdempotencyKey } from '../idempotency';
import { withTimeout } from '@fluxquery/coordination';

/** POST /export: parse, check the SQL and the key's policy, enqueue, 202 {job_id}. Nothing is queued unless all pass. */
export function createExportRoute(deps: ApiDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const client = req.client as ClientKey;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const request = parseExportRequest(body);
    checkSelectQuery(request.query, { defaultSchema: deps.defaultSchema, allowedSchemas: client.allowedSchemas });
    checkRecipient(request.email, client);
    if (request.callbackUrl) checkCallback(request.callbackUrl, client, deps);
    const jobId = randomUUID();
    const idempotencyKey = req.get('idempotency-key');
    const claim = idempotencyKey
      ? await claimIdempotencyKey(deps.guards, {
          keyId: client.keyId,
          idempotencyKey,
          body,
          jobId,
          ttlMs: deps.jobRetentionMs ?? DEFAULT_RETENTION_MS,
        })
      : undefined;
    if (claim?.existingJobId) {
      // The same request again: the job the first one made, not a second export.
      const existing = claim.existingJobId;
      res.setHeader('Idempotent-Replayed', 'true');
      res
        .status(202)
        .location(`/export/${existing}`)
        .json({ job_id: existing, status_url: `/export/${existing}` });
      return;
    }
    const { maxRows, maxBytes, timeoutMs } = client.limits;
    const data: ExportJobData = {
      schemaVersion: EXPORT_SCHEMA_VERSION,
      requestId: req.requestId,
      // parseExportRequest already left out every field the request did not set.
      ...request,
      keyId: client.keyId,
      limits: { maxRows, maxBytes, timeoutMs },
      requestedAt: new Date().toISOString(),
    };
    const sealed = sealJob(deps.sealSecret, EXPORT_QUEUE_NAME, jobId, data);
    await withTimeout(deps.queue.add(EXPORT_JOB_NAME, sealed, { jobId }), 5_000).catch(async (error: unknown) => {
      await claim?.release();
      throw new AppError('SERVICE_UNAVAILABLE', 'the job queue is unavailable; try again shortly', { cause: error });
    });
    deps.logger.info('export.queued', { requestId: req.requestId, jobId, keyId: client.keyId, format: data.format });
    res
      .status(202)
      .location(`/export/${jobId}`)
      .json({ job_id: jobId, status: 'PENDING', status_url: `/export/${jobId}` });
  };
}

/** A key may be limited to some recipient domains: exact matches, compared in lower case. */
function checkRecipient(email: string, client: ClientKey): void {
  if (!client.allowedRecipientDomains) return;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  if (!client.allowedRecipientDomains.includes(domain)) {
    throw new AppError('RECIPIENT_NOT_ALLOWED', `this key may not send exports to ${domain}`);
  }
}

/**
 * A callback_url is checked before anything is queued: scheme, credentials, an address literal or
 * a name that always means a forbidden address (400), and the key's allow-list (403). Names are
 * resolved, and their addresses checked, when the webhook is sent.
 */
function checkCallback(url: string, client: ClientKey, deps: ApiDeps): void {
  checkCallbackUrl(url, {
    ...(deps.callbacks ?? PRODUCTION_CALLBACKS),
    ...(client.allowedCallbackHosts ? { allowedHosts: client.allowedCallbackHosts } : {}),
  });
}

const PRODUCTION_CALLBACKS = { requireHttps: true, allowLoopback: false };
