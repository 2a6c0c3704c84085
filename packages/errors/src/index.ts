// One error model: AppError with a string code, the code → HTTP status map, and whether a failure
// is worth retrying. Imports nothing; every other package may import it.
export { AppError, isAppError, type AppErrorOptions } from './app-error';
export { ERROR_CODES, statusForCode, type ErrorCode } from './error-codes';
