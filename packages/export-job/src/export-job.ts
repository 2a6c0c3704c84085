import { AppError } from '@fluxquery/errors';
import {
  EXPORT_FORMATS,
  RULES,
  type Compression,
  type CsvRequestOptions,
  type ExportFormat,
} from '@fluxquery/request-rules';
import Joi from 'joi';

// The export job's payload and result; its queue, name and options are in job-catalog.ts.

/** 2 added json/xlsx, CSV options, the formula guard switch and the time zone. Workers read 1 and 2. */
export const EXPORT_SCHEMA_VERSION = 2;
const READABLE_SCHEMA_VERSIONS = [1, 2];

export interface ExportJobData {
  schemaVersion: 1 | 2;
  requestId: string;
  query: string;
  email: string;
  format: ExportFormat;
  /** Absent: the worker's COMPRESSION setting decides. */
  compression?: Compression;
  csv?: CsvRequestOptions;
  /** Absent: on for CSV (unless the profile says otherwise) and XLSX. JSON Lines is never altered. */
  formulaGuard?: boolean;
  /** For TIMESTAMP values: `UTC`, `±HH:MM` or an IANA name. Absent: UTC. */
  timeZone?: string;
  /** The client key that asked; only it may read the job. Absent (older jobs): the default key. */
  keyId?: string;
  /** The key's limits when it asked. Absent (older jobs): the worker's own settings. */
  limits?: ExportLimits;
  /** Where the final status is POSTed (a signed webhook), as the api checked it. */
  callbackUrl?: string;
  requestedAt: string;
  /** A subscription's run: which one, and the tick it stands for (unix ms). Absent: a request's own export. */
  subscription?: { id: string; tickMs: number };
  /** The producer's HMAC over the rest (job-seal.ts); the worker runs nothing without it. */
  seal?: string;
}

export interface ExportLimits {
  maxRows: number;
  /** Stored bytes, after compression. */
  maxBytes: number;
  timeoutMs: number;
}

export interface ExportProgress {
  rows: number;
  bytes: number;
  /** EXPLAIN's guess at the total, when it gives one. */
  estimatedRows?: number;
}

export interface ExportJobResult {
  rows: number;
  /** Bytes stored, after compression. */
  bytes: number;
  /** EXPLAIN's guess at the row count, when it gave one (progress reports carry it while the export runs). */
  estimatedRows?: number;
  sha256: string;
  storage: 'local' | 's3';
  /** The storage key, random and dated; download links resolve it. */
  key: string;
  /** For operators (Bull Board, logs): a path on the worker's disk or s3://…; never shown to callers. */
  location: string;
  fileName: string;
  contentType: string;
  format: ExportFormat;
  compression: Compression;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

const exportJobDataSchema = Joi.object<ExportJobData>({
  schemaVersion: Joi.number()
    .valid(...READABLE_SCHEMA_VERSIONS)
    .required(),
  requestId: Joi.string().max(200).required(),
  query: RULES.query.required(),
  email: RULES.email.required(),
  format: Joi.string()
    .valid(...EXPORT_FORMATS)
    .required(),
  compression: RULES.compression,
  csv: Joi.object({
    profile: RULES.csvProfile,
    delimiter: RULES.csvDelimiter,
    bom: Joi.boolean(),
    nullToken: RULES.csvNullToken,
    header: Joi.boolean(),
    lineEnding: RULES.lineEnding,
  }),
  formulaGuard: Joi.boolean(),
  timeZone: RULES.timeZone,
  keyId: Joi.string().max(64),
  limits: Joi.object({
    maxRows: Joi.number().integer().min(1).required(),
    maxBytes: Joi.number().integer().min(1).required(),
    timeoutMs: Joi.number().integer().min(1).required(),
  }),
  callbackUrl: RULES.callbackUrl,
  requestedAt: Joi.string().isoDate().required(),
  subscription: Joi.object({
    id: Joi.string().max(64).required(),
    tickMs: Joi.number().integer().min(0).required(),
  }),
  seal: Joi.string().hex().length(64),
});

/** The worker checks the payload again: a job may have been queued by an older or a foreign producer. */
export function parseExportJobData(data: unknown): ExportJobData {
  const options = { abortEarly: false, convert: false };
  const result = exportJobDataSchema.validate(data, options);
  if (result.error) throw new AppError('INVALID_JOB', `the job payload is invalid: ${result.error.message}`);
  return result.value;
}
