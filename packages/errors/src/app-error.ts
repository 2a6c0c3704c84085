import { ERROR_CODES, type ErrorCode } from './error-codes';

export interface AppErrorOptions {
  cause?: unknown;
  /** Overrides the code's default: a failure that is usually transient may be known to be permanent. */
  retryable?: boolean;
  /** Safe, structured detail for the caller, such as the list of invalid fields. */
  details?: unknown;
}

/** The one error type that crosses package boundaries. Its message is safe to show to the caller. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.details = options.details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
