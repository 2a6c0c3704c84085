export { createLogger, createSilentLogger, type Logger, type LoggerOptions } from './create-logger';
