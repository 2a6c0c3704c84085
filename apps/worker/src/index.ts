export { createExportWorker, type ExportWorker, type ExportWorkerOptions } from './export-worker';
export { runExport, type ExportDeps, type ExportHooks } from './run-export';
