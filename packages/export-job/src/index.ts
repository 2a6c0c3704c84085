// The job catalog and the job contracts, nothing else: the export, email and webhook jobs (names,
// queues, schemas built from request-rules, versions, options, typed queues), seals, and
// queueFollowUps, the one way to queue what follows an export. Imports client (the status a
// webhook carries), request-rules and errors.
export {
  EXPORT_SCHEMA_VERSION,
  parseExportJobData,
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
  type SubscriptionMailFacts,
} from './delivery-job';
export {
  JOBS,
  EXPORT_QUEUE_NAME,
  EXPORT_JOB_NAME,
  DELIVERY_QUEUE_NAME,
  DELIVERY_JOB_NAME,
  WEBHOOK_JOB_NAME,
  jobOptions,
  queueKeyPrefix,
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
  type FollowUpJob,
  isWebhookJob,
  isEmailJob,
  type QueueOptions,
} from './job-catalog';
export { sealJob, hasValidSeal, type Sealed } from './job-seal';
export { addExport, exportJobFor, type ExportRequestFields } from './add-export';
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
export { queueFollowUps, type ExportEnd, type ExportOutcome, type FollowUp, type FollowUpFailure } from './follow-ups';
