export { createExportWorker, type ExportWorkerOptions } from './export-worker';
export { createDeliveriesWorker, type DeliveriesWorkerOptions } from './deliveries-worker';
export { type ExportJobDeps } from './export.processor';
export { type EmailDeps } from './send-email';
export type { ExportWorker, DeliveryWorker } from '@fluxquery/export-job';
export { startMetricsServer, type WorkerProbes } from './metrics-server';
