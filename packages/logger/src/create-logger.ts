import winston, { format, type Logger } from 'winston';
import { redactSecrets } from './redact';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Tests pass `true`: a logger that writes nowhere. */
  silent?: boolean;
}

/** JSON lines on stdout: an event name as `message`, then fields. */
export function createLogger(options: LoggerOptions): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: options.service },
    format: format.combine(redactSecrets(), format.errors({ stack: true }), format.timestamp(), format.json()),
    transports: [new winston.transports.Console()],
  });
}

export function createSilentLogger(): Logger {
  return createLogger({ service: 'test', silent: true });
}
