export {
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
export {
  DELIVERY_SCHEMA_VERSION,
  deliveryJobId,
  deliveryForResult,
  deliveryForFailure,
  parseDeliveryJobData,
  type DeliveredFile,
  type DeliveryJobData,
  type DeliveryJobResult,
  type DeliveryMethod,
  type DeliveryStatus,
} from './delivery-job';
export {
  JOBS,
  EXPORT_QUEUE_NAME,
  EXPORT_JOB_NAME,
  DELIVERY_QUEUE_NAME,
  DELIVERY_JOB_NAME,
  WEBHOOK_JOB_NAME,
  jobOptions,
  DEFAULT_RETENTION_COUNT,
  createExportQueue,
  createDeliveryQueue,
  addDelivery,
  addWebhook,
  type ExportQueue,
  type ExportWorker,
  type DeliveryQueue,
  type DeliveryWorker,
  type ExportJob,
  type DeliveryJob,
  type WebhookJob,
  type QueueOptions,
} from './job-catalog';
export { toExportStatus, formatFailure, parseFailure, type ExportStatus, type JobFailure } from './export-status';
export { createCancelFlags, type CancelFlags } from './cancel-flags';
export { sealJob, hasValidSeal, type Sealed } from './job-seal';
export { createKeySlots, SLOT_LEASE_MS, PARK_MS, type KeySlots } from './key-slots';
export {
  WEBHOOK_SCHEMA_VERSION,
  WEBHOOK_EVENTS,
  webhookJobId,
  webhookEventFor,
  webhookFor,
  parseWebhookJobData,
  type WebhookEventName,
  type WebhookJobData,
  type WebhookJobResult,
} from './webhook-job';
export {
  describeExportJob,
  describeDelivery,
  describeWebhook,
  type ExportJobFacts,
  type JobSnapshot,
} from './export-view';
