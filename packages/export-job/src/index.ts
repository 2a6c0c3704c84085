export {
  EXPORT_QUEUE_NAME,
  EXPORT_JOB_NAME,
  EXPORT_SCHEMA_VERSION,
  EXPORT_FORMATS,
  FORMAT_ALIASES,
  CSV_PROFILE_NAMES,
  COMPRESSIONS,
  parseExportJobData,
  type ExportFormat,
  type CsvProfileName,
  type CsvRequestOptions,
  type Compression,
  type ExportJobData,
  type ExportLimits,
  type ExportJobResult,
  type ExportProgress,
} from './export-job';
export { toExportStatus, formatFailure, parseFailure, type ExportStatus, type JobFailure } from './export-status';
export { createExportQueue, exportJobOptions, type ExportQueue, type ExportQueueOptions } from './export-queue';
