// One read-only export query on MySQL/MariaDB: the session (its settings, its key's role, a kept
// session reset), rows streamed as raw bytes with socket-level backpressure, column kinds, MySQL
// errors as AppErrors, KILL QUERY; the reader account's and the key roles' statements. Imports errors.
export {
  openExportQuery,
  type ExportQuery,
  type ExportQueryOptions,
  type MysqlConnectionOptions,
} from './open-export-query';
export { valuesOf, type RawRow } from './row-parser';
export { createSessionPool, type SessionPool, type SessionPoolOptions } from './session-pool';
export { describeColumn, type ColumnInfo, type ColumnKind } from './column-kinds';
export { toQueryError } from './mysql-errors';
export {
  createReaderAccount,
  findAccountGrants,
  planReaderAccount,
  rolesIn,
  type AccountGrants,
  pingDatabase,
  readerAccountStatements,
  type AdminConnectionOptions,
  type ReaderAccount,
} from './reader-account';
export { keyAccessFor, keyRoleName, sessionAccessFor, type KeyGrant, type SessionAccess } from './key-roles';
export { withoutDatabase } from './server-options';
