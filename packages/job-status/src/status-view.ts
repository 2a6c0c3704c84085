import type { CancelBody, EmailDeliveryBody, ExportStatusBody, WebhookDeliveryBody } from '@fluxquery/client';
import { createDownloadLink, type DownloadLinkSettings } from '@fluxquery/signing';
import type { JobState } from 'bullmq';
import type {
  DeliveryJob,
  DeliveryJobResult,
  DeliveryStatus,
  ExportJobData,
  ExportJobResult,
  ExportProgress,
  WebhookJob,
  WebhookJobResult,
} from '@fluxquery/export-job';
import { parseFailure, toExportStatus, type ExportStatus } from './export-status';

// The status a poller sees (GET /export/:id), and a webhook sends, built from a job's facts. The
// api builds it from the job in Redis; a worker from the job it has just finished.

const iso = (ms: number | undefined): string | null => (ms ? new Date(ms).toISOString() : null);

function readProgress(progress: unknown): ExportProgress {
  const p = progress as Partial<ExportProgress> | null;
  return {
    rows: typeof p?.rows === 'number' ? p.rows : 0,
    bytes: typeof p?.bytes === 'number' ? p.bytes : 0,
    ...(typeof p?.estimatedRows === 'number' ? { estimatedRows: p.estimatedRows } : {}),
  };
}

/** A finished export's numbers are its result's; a result from before 2026-12 has no estimate, its last report does. */
function finalProgress(result: ExportJobResult, progress: unknown): ExportProgress {
  const estimatedRows = result.estimatedRows ?? readProgress(progress).estimatedRows;
  return { rows: result.rows, bytes: result.bytes, ...(estimatedRows !== undefined ? { estimatedRows } : {}) };
}

/**
 * Rows and bytes so far, the time since the export started and the rate over it, and, where
 * EXPLAIN gave an estimate, a percentage: held below 100 until the export is done, since the
 * estimate can be low (a LIMIT, stale statistics).
 */
function describeProgress(
  progress: ExportProgress,
  startedMs: number | undefined,
  untilMs: number | undefined,
  isDone: boolean,
) {
  const elapsedMs = startedMs && untilMs ? Math.max(0, untilMs - startedMs) : 0;
  const estimate = progress.estimatedRows;
  const percent = isDone ? 100 : estimate ? Math.min(99, Math.floor((progress.rows * 100) / estimate)) : null;
  return {
    rows: progress.rows,
    bytes: progress.bytes,
    elapsed_ms: elapsedMs,
    rows_per_second: elapsedMs > 0 ? Math.round((progress.rows * 1000) / elapsedMs) : 0,
    estimated_rows: estimate ?? null,
    percent,
  };
}

/** What the status reads of an export job (a BullMQ job has all of it). */
export interface ExportJobFacts {
  id?: string | undefined;
  data: ExportJobData;
  timestamp: number;
  processedOn?: number | undefined;
  finishedOn?: number | undefined;
  attemptsMade: number;
  progress: unknown;
  returnvalue: ExportJobResult | undefined;
  failedReason: string | undefined;
}

export interface JobSnapshot<J extends ExportJobFacts = ExportJobFacts> {
  job: J;
  state: JobState | 'unknown';
  /** The email's job; `queued` when it was just added and has not run yet. */
  delivery?: { job: DeliveryJob; state: JobState | 'unknown' } | 'queued';
  /** The webhook's job, when the request had a callback_url. */
  webhook?: { job: WebhookJob; state: JobState | 'unknown' } | 'queued';
  /** When DELETE asked for the cancel (empty: at a time not recorded); absent when nobody did. */
  cancelRequestedAt?: string;
}

/**
 * What a poller sees. Field names are snake_case, like the existing `job_id`. Each state must have
 * been read before its job: a job can finish between the two reads, and a newer job hash with an
 * older state is consistent, while the reverse would show COMPLETED without a result. No path on
 * the worker's disk ever appears here: the file is reached through `download_url`.
 */
export function describeExportJob(
  { job, state, delivery, webhook, cancelRequestedAt }: JobSnapshot,
  links: DownloadLinkSettings,
): ExportStatusBody {
  const failure = parseFailure(job.failedReason);
  const status = toExportStatus(state, failure);
  const result = status === 'COMPLETED' ? job.returnvalue : undefined;
  const isFinished = status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
  const link = result && job.id ? createDownloadLink(links, job.id, Date.parse(result.finishedAt)) : undefined;
  return {
    job_id: job.id,
    status,
    format: job.data.format,
    created_at: iso(job.timestamp),
    started_at: iso(job.processedOn),
    finished_at: isFinished ? iso(job.finishedOn) : null,
    attempts: job.attemptsMade,
    progress: describeProgress(
      result ? finalProgress(result, job.progress) : readProgress(job.progress),
      job.processedOn,
      result ? Date.parse(result.finishedAt) : isFinished ? job.finishedOn : Date.now(),
      Boolean(result),
    ),
    result:
      result && link
        ? {
            rows: result.rows,
            bytes: result.bytes,
            sha256: result.sha256,
            storage: result.storage,
            storage_key: result.key,
            download_url: link.url,
            download_expires_at: link.expiresAt.toISOString(),
            file_name: result.fileName,
            content_type: result.contentType,
            compression: result.compression,
            duration_ms: result.durationMs,
          }
        : null,
    // While a retry is pending, the last attempt's reason shows here too; BullMQ keeps it after a
    // later attempt succeeds, so a finished export shows none.
    error: failure && status !== 'COMPLETED' ? { code: failure.code, message: failure.message } : null,
    cancel: describeCancel(status, cancelRequestedAt),
    delivery: {
      email: describeDelivery(isFinished, delivery, job.data.subscription !== undefined),
      webhook: job.data.callbackUrl ? describeWebhook(isFinished, webhook) : null,
    },
  };
}

/**
 * A cancel that was asked for: `pending` while the export runs (it stops within a second or so),
 * `cancelled` once it did, `too_late` when the export had already finished or failed for good
 * (DELETE answered 202, and the worker's last step won the race).
 */
function describeCancel(status: ExportStatus, requestedAt: string | undefined): CancelBody | null {
  if (requestedAt === undefined) return null;
  const outcome =
    status === 'CANCELLED' ? 'cancelled' : status === 'COMPLETED' || status === 'FAILED' ? 'too_late' : 'pending';
  return { requested_at: requestedAt || null, outcome };
}

/** The webhook's state, for a request that had a callback_url: pending until the export ends. */
export function describeWebhook(isExportFinished: boolean, webhook: JobSnapshot['webhook']): WebhookDeliveryBody {
  const none = { attempts: 0, error: null, http_status: null, sent_at: null };
  if (webhook === 'queued' || (!webhook && !isExportFinished)) return { status: 'pending', ...none };
  if (!webhook) {
    const error = { code: 'WEBHOOK_FAILED', message: 'no webhook was queued for this export' };
    return { ...none, status: 'failed', error };
  }
  const { job, state } = webhook;
  const failure = parseFailure(job.failedReason);
  const result: WebhookJobResult | undefined = state === 'completed' ? job.returnvalue : undefined;
  const status: DeliveryStatus = result ? 'sent' : state === 'failed' ? 'failed' : 'pending';
  return {
    status,
    attempts: job.attemptsMade,
    error: failure && !result ? { code: failure.code, message: failure.message } : null,
    http_status: result?.httpStatus ?? null,
    sent_at: result?.sentAt ?? null,
  };
}

export function describeDelivery(
  isExportFinished: boolean,
  delivery: JobSnapshot['delivery'],
  isSubscriptionRun = false,
): EmailDeliveryBody {
  if (delivery === 'queued') {
    const status: DeliveryStatus = 'pending';
    return { status, method: null, attempts: 0, error: null, sent_at: null };
  }
  if (!delivery && isExportFinished && isSubscriptionRun) {
    // A subscription's run always mails a failure; a finished one without an email was held back
    // by its condition (its run says why).
    return { status: 'skipped', method: null, attempts: 0, error: null, sent_at: null };
  }
  if (!delivery) {
    // The worker queues the delivery before it finishes the export, so a finished export without
    // one never had it queued (Redis refused it, or the export predates delivery).
    const error = isExportFinished ? { code: 'EMAIL_FAILED', message: 'no email was queued for this export' } : null;
    const status: DeliveryStatus = isExportFinished ? 'failed' : 'pending';
    return { status, method: null, attempts: 0, error, sent_at: null };
  }
  const { job, state } = delivery;
  const failure = parseFailure(job.failedReason);
  const result: DeliveryJobResult | undefined = state === 'completed' ? job.returnvalue : undefined;
  const status: DeliveryStatus = result ? result.status : state === 'failed' ? 'failed' : 'pending';
  return {
    status,
    method: result?.method ?? null,
    attempts: job.attemptsMade,
    // While a retry is pending, the last attempt's reason shows here too (not once it is sent).
    error: failure && !result ? { code: failure.code, message: failure.message } : null,
    sent_at: result?.status === 'sent' ? result.sentAt : null,
  };
}
