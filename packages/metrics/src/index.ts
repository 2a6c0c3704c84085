export { createApiMetrics, createWorkerMetrics, type ApiMetrics, type WorkerMetrics } from './metrics';
