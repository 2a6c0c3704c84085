import { AppError } from '@fluxquery/errors';
import Joi from 'joi';

/** The one definition of the export job; the api produces it and the worker consumes it. */
export const EXPORT_QUEUE_NAME = 'exports';
export const EXPORT_JOB_NAME = 'export';
export const EXPORT_SCHEMA_VERSION = 1;

export const EXPORT_FORMATS = ['csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const COMPRESSIONS = ['gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export interface ExportJobData {
  schemaVersion: typeof EXPORT_SCHEMA_VERSION;
  requestId: string;
  query: string;
  email: string;
  format: ExportFormat;
  /** Absent: the worker's COMPRESSION setting decides. */
  compression?: Compression;
  requestedAt: string;
}

export interface ExportProgress {
  rows: number;
  bytes: number;
}

export interface ExportJobResult {
  rows: number;
  /** Bytes stored, after compression. */
  bytes: number;
  sha256: string;
  storage: 'local';
  key: string;
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
  schemaVersion: Joi.number().valid(EXPORT_SCHEMA_VERSION).required(),
  requestId: Joi.string().max(200).required(),
  query: Joi.string().max(100_000).required(),
  email: Joi.string().max(320).required(),
  format: Joi.string()
    .valid(...EXPORT_FORMATS)
    .required(),
  compression: Joi.string().valid(...COMPRESSIONS),
  requestedAt: Joi.string().isoDate().required(),
});

/** The worker checks the payload again: a job may have been queued by an older or a foreign producer. */
export function parseExportJobData(data: unknown): ExportJobData {
  const options = { abortEarly: false, convert: false };
  const result = exportJobDataSchema.validate(data, options);
  if (result.error) throw new AppError('INVALID_JOB', `the job payload is invalid: ${result.error.message}`);
  return result.value;
}
