import type { Encoder } from '@fluxquery/encoders';
import type { ExportJobData } from '@fluxquery/export-job';
import type { Compression } from '@fluxquery/request-rules';
import { encoderFor } from './encoder-for';

/** What an export will write, decided from the job before the query runs. */
export interface ExportPlan {
  encoder: Encoder;
  compression: Compression;
  /** `csv`, `csv.gz`, `xlsx`, …: the stored key's and the file name's ending. */
  extension: string;
  contentType: string;
  limits: { maxRows: number; maxBytes: number; timeoutMs: number };
}

/** The service's defaults, used where the job does not say. */
export interface PlanDefaults {
  /** COMPRESSION: used when the request does not say. */
  isCompressedByDefault: boolean;
  /** Used when the job carries no limits of its own (older jobs, the benchmark). */
  timeoutMs: number;
  maxRows?: number;
  maxBytes?: number;
}

export function planExport(defaults: PlanDefaults, data: ExportJobData): ExportPlan {
  const compression: Compression = data.compression ?? (defaults.isCompressedByDefault ? 'gzip' : 'none');
  const encoder = encoderFor(data);
  const isGzip = compression === 'gzip';
  return {
    encoder,
    compression,
    extension: isGzip ? `${encoder.extension}.gz` : encoder.extension,
    // A .gz is stored as application/gzip, never with Content-Encoding: clients would unpack it silently.
    contentType: isGzip ? 'application/gzip' : encoder.contentType,
    limits: {
      maxRows: data.limits?.maxRows ?? defaults.maxRows ?? Infinity,
      maxBytes: data.limits?.maxBytes ?? defaults.maxBytes ?? Infinity,
      timeoutMs: data.limits?.timeoutMs ?? defaults.timeoutMs,
    },
  };
}
