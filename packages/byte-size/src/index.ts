// How the service writes a size for people: one formatter for the export email and the CLI, so the
// two cannot drift apart. Imports nothing of ours; over the `bytes` library (express's own), in
// 1024 steps with the units people read in mail clients and terminals (KB, MB, GB).
export { formatBytes } from './format-bytes';
