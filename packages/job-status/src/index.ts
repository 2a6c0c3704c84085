// What a poller sees: the status of an export (GET /export/:id), which a webhook also carries,
// built from the export job and its follow-ups (email, webhook) by one builder, and the mapping of
// BullMQ's states and failed reasons to the wire's statuses and error codes. Imports export-job
// (the jobs' types), client (the wire shapes), signing (download links) and errors; used by the
// api (status, cancel) and the worker (the status a webhook carries).
export { toExportStatus, formatFailure, parseFailure, type ExportStatus, type JobFailure } from './export-status';
export {
  describeExportJob,
  describeDelivery,
  describeWebhook,
  type ExportJobFacts,
  type JobSnapshot,
} from './status-view';
