export { runExport, type ExportDeps, type ExportHooks } from './run-export';
export { encoderFor } from './encoder-for';
