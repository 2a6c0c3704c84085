import type {
  DELIVERY_JOB_NAME,
  DeliveryJobData,
  DeliveryJobResult,
  EXPORT_JOB_NAME,
  ExportJobData,
  ExportJobResult,
} from '@fluxquery/export-job';
import type { Job } from 'bullmq';

export type ExportJob = Job<ExportJobData, ExportJobResult, typeof EXPORT_JOB_NAME>;
export type DeliveryJob = Job<DeliveryJobData, DeliveryJobResult, typeof DELIVERY_JOB_NAME>;
