// What a client key may ask for, checked wherever an export is asked for: POST /export, a
// subscription's creation and changes (api), and each of its runs (workers).
export { checkExportPolicy, type PolicySettings, type PolicyRequest } from './export-policy';
