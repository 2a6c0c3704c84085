import { AppError } from '@fluxquery/errors';

interface MysqlError extends Error {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  fatal?: boolean;
}

// The server gave up on the query because of a time limit or a KILL.
const TIMEOUT_ERRNOS = new Set([
  1969 /* MariaDB max_statement_time */, 3024 /* MySQL max_execution_time */, 1317 /* interrupted */,
]);
// Worth another try later: the server or the network, not the query.
const TRANSIENT_ERRNOS = new Set([
  1040 /* too many connections */, 1053 /* shutdown */, 1205 /* lock wait */, 1213 /* deadlock */, 2013, 2006,
]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
]);
const ACCESS_ERRNOS = new Set([1044, 1045, 1698]);

/** Turns a mysql2 error into an AppError whose message the requester may read. */
export function toQueryError(error: unknown, timeoutMs: number): AppError {
  if (error instanceof AppError) return error;
  const e = error as MysqlError;
  if (e.errno !== undefined && TIMEOUT_ERRNOS.has(e.errno)) {
    return new AppError(
      'QUERY_TIMEOUT',
      `the export took longer than its ${Math.round(timeoutMs / 1000)} s time limit`,
      { cause: error },
    );
  }
  if (
    (e.errno !== undefined && TRANSIENT_ERRNOS.has(e.errno)) ||
    (e.code !== undefined && TRANSIENT_CODES.has(e.code))
  ) {
    return new AppError('DATABASE_UNAVAILABLE', `the database could not be reached (${e.code ?? e.errno})`, {
      cause: error,
    });
  }
  if (e.errno !== undefined && ACCESS_ERRNOS.has(e.errno)) {
    // The server's text names the account and the worker's host: keep it for the log only.
    return new AppError('QUERY_FAILED', 'the export database account was refused access', { cause: error });
  }
  if (e.sqlMessage)
    return new AppError('QUERY_FAILED', `MySQL error ${e.errno ?? ''}: ${e.sqlMessage}`, { cause: error });
  return new AppError('DATABASE_UNAVAILABLE', `the database connection failed (${e.code ?? e.message})`, {
    cause: error,
  });
}
