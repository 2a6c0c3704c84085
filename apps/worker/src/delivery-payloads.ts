import type { AppError } from '@fluxquery/errors';
import {
  DELIVERY_SCHEMA_VERSION,
  type DeliveryJobData,
  type ExportJobData,
  type ExportJobResult,
} from '@fluxquery/export-job';

/** What the delivery job needs to tell the requester: the file's facts, or why there is none. */
export function deliveryForResult(exportJobId: string, data: ExportJobData, result: ExportJobResult): DeliveryJobData {
  return {
    ...deliveryBase(exportJobId, data),
    outcome: 'completed',
    file: {
      rows: result.rows,
      bytes: result.bytes,
      sha256: result.sha256,
      format: result.format,
      compression: result.compression,
      fileName: result.fileName,
      contentType: result.contentType,
      key: result.key,
      durationMs: result.durationMs,
      finishedAt: result.finishedAt,
    },
  };
}

export function deliveryForFailure(exportJobId: string, data: ExportJobData, error: AppError): DeliveryJobData {
  return {
    ...deliveryBase(exportJobId, data),
    outcome: 'failed',
    failure: { code: error.code, message: error.message },
  };
}

function deliveryBase(exportJobId: string, data: ExportJobData) {
  return {
    schemaVersion: DELIVERY_SCHEMA_VERSION,
    exportJobId,
    requestId: data.requestId,
    ...(data.keyId ? { keyId: data.keyId } : {}),
    email: data.email,
  } as const;
}
