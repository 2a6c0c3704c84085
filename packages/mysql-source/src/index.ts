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
