export { createExportWorker, type ExportWorkerOptions } from './export-worker';
export { createDeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker';
export { type ExportJobDeps } from './export.processor';
export { type DeliveryDeps } from './deliver-export';
export { enqueueDeliveryOn, enqueueWebhookOn } from './enqueue-delivery';
export type { ExportWorker, DeliveryWorker } from '@fluxquery/export-job';
export { startMetricsServer, type WorkerProbes } from './metrics-server';
