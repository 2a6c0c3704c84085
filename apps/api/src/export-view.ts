import { parseFailure, toExportStatus, type ExportProgress } from '@fluxquery/export-job';
import type { JobState } from 'bullmq';
import type { ExportJob } from './export-job-type';

const iso = (ms: number | undefined): string | null => (ms ? new Date(ms).toISOString() : null);

function readProgress(progress: unknown): ExportProgress {
  const p = progress as Partial<ExportProgress> | null;
  return { rows: typeof p?.rows === 'number' ? p.rows : 0, bytes: typeof p?.bytes === 'number' ? p.bytes : 0 };
}

/**
 * What a poller sees. Field names are snake_case, like the existing `job_id`. `state` must have been
 * read before `job`: a job can finish between the two reads, and a newer job hash with an older state
 * is consistent, while the reverse would show COMPLETED without a result.
 */
export function describeExportJob(job: ExportJob, state: JobState | 'unknown') {
  const failure = parseFailure(job.failedReason);
  const status = toExportStatus(state, failure);
  const result = status === 'COMPLETED' ? job.returnvalue : undefined;
  return {
    job_id: job.id,
    status,
    format: job.data.format,
    created_at: iso(job.timestamp),
    started_at: iso(job.processedOn),
    finished_at: status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED' ? iso(job.finishedOn) : null,
    attempts: job.attemptsMade,
    progress: result ? { rows: result.rows, bytes: result.bytes } : readProgress(job.progress),
    result: result
      ? {
          rows: result.rows,
          bytes: result.bytes,
          sha256: result.sha256,
          storage: result.storage,
          location: result.location,
          file_name: result.fileName,
          content_type: result.contentType,
          compression: result.compression,
          duration_ms: result.durationMs,
        }
      : null,
    // While a retry is pending, the last attempt's reason shows here too.
    error: failure ? { code: failure.code, message: failure.message } : null,
  };
}
