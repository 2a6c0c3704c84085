// The export use case, runExport: one query through the row cap, the encoder, optional gzip and
// the digest into storage, committed whole or not at all. The worker and `fluxquery export` both
// run it. Imports encoders, export-job, logger, mysql-source, request-rules, storage and errors.
export { runExport, type ExportDeps, type ExportHooks } from './run-export';
export { encoderFor } from './encoder-for';
