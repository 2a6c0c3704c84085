// The winston JSON logger, with secrets, signatures and passwords (in DSNs and URLs too)
// redacted. Imports nothing of ours.
export { createLogger, createSilentLogger, type Logger, type LoggerOptions } from './create-logger';
