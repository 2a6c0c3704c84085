// prom-client registries for the api and for a worker, each with Node's default metrics. Imports
// nothing of ours.
export { createApiMetrics, createWorkerMetrics, type ApiMetrics, type WorkerMetrics } from './metrics';
