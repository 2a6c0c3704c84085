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
// "User 'fq_reader' has exceeded the 'max_user_connections' resource": busy, not wrong.
const CONNECTION_LIMIT_ERRNOS = new Set([1203, 1226]);
const THREAD_STACK_OVERRUN = 1436;
// 'user'@'host', as in "SELECT command denied to user 'fq_reader'@'10.0.3.7' for table `t`".
const ACCOUNT = /\s*(to |for )?user '[^']*'@'[^']*'/gi;

/**
 * The server's own words help the caller fix a query (a syntax error, an unknown table or column),
 * so they are kept; the export account's name and the worker's host are not the caller's business.
 */
function withoutAccounts(message: string): string {
  return message.replace(ACCOUNT, '').replace(/'[^']*'@'[^']*'/g, 'the export account');
}

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
  if (e.errno !== undefined && CONNECTION_LIMIT_ERRNOS.has(e.errno)) {
    return new AppError(
      'DATABASE_UNAVAILABLE',
      'the export database account is at its connection limit; try again later',
      {
        cause: error,
      },
    );
  }
  if (e.errno === THREAD_STACK_OVERRUN) {
    // The server's text gives its thread stack sizes and a mysqld option: the caller needs neither.
    return new AppError('QUERY_FAILED', 'the query is nested too deeply for the database server; simplify it', {
      cause: error,
    });
  }
  if (e.sqlMessage) {
    return new AppError('QUERY_FAILED', `MySQL error ${e.errno ?? ''}: ${withoutAccounts(e.sqlMessage)}`, {
      cause: error,
    });
  }
  return new AppError('DATABASE_UNAVAILABLE', `the database connection failed (${e.code ?? e.message})`, {
    cause: error,
  });
}
