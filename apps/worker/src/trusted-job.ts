import { DEFAULT_KEY_ID, type ClientKey } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import {
  DELIVERY_QUEUE_NAME,
  EXPORT_QUEUE_NAME,
  hasValidSeal,
  parseExportJobData,
  type ExportJobData,
} from '@fluxquery/export-job';
import { checkSelectQuery } from '@fluxquery/sql-guard';

export interface JobPolicy {
  /** JOB_SEAL_SECRET, shared with the api. */
  sealSecret: string;
  /** The client keys, as the api has them: the job's key decides its schemas and its limits. */
  clients: readonly ClientKey[];
  /** The database of MYSQL_DSN, where unqualified tables live. */
  defaultSchema: string;
}

/**
 * The worker trusts nothing it reads from Redis: the seal proves the api queued this payload
 * unchanged; then the payload is validated, the SQL guard and the key's schemas are applied again,
 * and the limits are capped by the key's own, whatever the payload says.
 */
export function checkExportJob(policy: JobPolicy, jobId: string | undefined, payload: unknown): ExportJobData {
  if (!hasValidSeal(policy.sealSecret, EXPORT_QUEUE_NAME, jobId, payload)) {
    throw new AppError(
      'JOB_SEAL_INVALID',
      'the job was not queued by the api, or was changed after it was queued; it was refused',
    );
  }
  const data = parseExportJobData(payload);
  const keyId = data.keyId ?? DEFAULT_KEY_ID;
  const client = policy.clients.find((candidate) => candidate.keyId === keyId);
  if (!client)
    throw new AppError('INVALID_JOB', `the job names the client key "${keyId}", which this worker does not know`);
  checkSelectQuery(data.query, { defaultSchema: policy.defaultSchema, allowedSchemas: client.allowedSchemas });
  const own = client.limits;
  return {
    ...data,
    limits: {
      maxRows: Math.min(data.limits?.maxRows ?? own.maxRows, own.maxRows),
      maxBytes: Math.min(data.limits?.maxBytes ?? own.maxBytes, own.maxBytes),
      timeoutMs: Math.min(data.limits?.timeoutMs ?? own.timeoutMs, own.timeoutMs),
    },
  };
}

/**
 * A follow-up (an email or a webhook) runs only when the api or a worker queued it unchanged: a
 * delivery planted in Redis could mail any stored file to anyone, or call any address, signed.
 */
export function assertFollowUpSealed(
  sealSecret: string,
  jobId: string | undefined,
  payload: unknown,
  what: string,
): void {
  if (!hasValidSeal(sealSecret, DELIVERY_QUEUE_NAME, jobId, payload)) {
    throw new AppError('JOB_SEAL_INVALID', `the ${what} was not queued by the service, or was changed; it was refused`);
  }
}
