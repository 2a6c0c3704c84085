export { AppError, isAppError, type AppErrorOptions } from './app-error';
export { ERROR_CODES, statusForCode, type ErrorCode } from './error-codes';
