import { EXPORT_SCHEMA_VERSION, type ExportJobData, type ExportLimits } from './export-job';
import { EXPORT_JOB_NAME, EXPORT_QUEUE_NAME, type ExportQueue } from './job-catalog';
import { sealJob } from './job-seal';

/** The request's fields as the job carries them (what the api's parser and a subscription hold). */
export type ExportRequestFields = Omit<
  ExportJobData,
  'schemaVersion' | 'requestId' | 'requestedAt' | 'keyId' | 'limits' | 'subscription'
>;

/**
 * An export job's payload: the request's fields, and the key's identity and limits at the time of
 * asking. POST /export and a subscription's run both build it here.
 */
export function exportJobFor(
  requestId: string,
  request: ExportRequestFields,
  key: { keyId: string; limits: ExportLimits },
  subscription?: ExportJobData['subscription'],
): ExportJobData & { keyId: string } {
  const { maxRows, maxBytes, timeoutMs } = key.limits;
  return {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    requestId,
    ...request,
    keyId: key.keyId,
    limits: { maxRows, maxBytes, timeoutMs },
    requestedAt: new Date().toISOString(),
    ...(subscription ? { subscription } : {}),
  };
}

/** A key's exports queued or running (coordination's KeyBacklog): a new job's priority. */
interface Backlog {
  enter(keyId: string, jobId: string): Promise<number>;
  leave(keyId: string, jobId: string): Promise<void>;
}

/**
 * The sealed job on the export queue under the id its producer chose, with its key's backlog as
 * its priority (keys take turns). A job the queue refused leaves the backlog again. An id BullMQ
 * already has adds nothing.
 */
export async function addExport(
  queue: ExportQueue,
  backlog: Backlog,
  sealSecret: string,
  job: { jobId: string; data: ExportJobData & { keyId: string } },
): Promise<void> {
  const { jobId, data } = job;
  const sealed = sealJob(sealSecret, EXPORT_QUEUE_NAME, jobId, data);
  const priority = await backlog.enter(data.keyId, jobId);
  await queue.add(EXPORT_JOB_NAME, sealed, { jobId, priority }).catch(async (error: unknown) => {
    await backlog.leave(data.keyId, jobId).catch(() => undefined);
    throw error;
  });
}
