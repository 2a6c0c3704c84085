/** Schemas no export may read, compared in lower case: they describe the server, its users and its grants. */
export const SYSTEM_SCHEMAS = new Set(['information_schema', 'mysql', 'performance_schema', 'sys']);

/**
 * Functions no export may call, in upper case. Each one either waits on something other than the
 * data (and so holds a worker and a connection), reads or changes server state, or reads files.
 */
export const FORBIDDEN_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ...group(['SLEEP', 'BENCHMARK'], 'it only spends time'),
  ...group(['LOAD_FILE'], 'it reads files on the database server'),
  ...group(
    ['GET_LOCK', 'RELEASE_LOCK', 'RELEASE_ALL_LOCKS', 'IS_FREE_LOCK', 'IS_USED_LOCK'],
    'it takes or inspects server-wide named locks',
  ),
  ...group(
    [
      'MASTER_POS_WAIT',
      'MASTER_GTID_WAIT',
      'SOURCE_POS_WAIT',
      'WAIT_FOR_EXECUTED_GTID_SET',
      'WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS',
    ],
    'it waits on replication',
  ),
  ...group(['NEXTVAL', 'LASTVAL', 'SETVAL'], 'it reads or moves a sequence'),
  ...group(
    ['USER', 'CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER', 'CURRENT_ROLE', 'VERSION', 'CONNECTION_ID'],
    'it describes the server and the export account, not the data',
  ),
  // The user-defined functions that public exploits install to run shell commands.
  ...group(['SYS_EXEC', 'SYS_EVAL', 'SYS_GET', 'SYS_SET'], 'it is a known command-execution UDF'),
]);

function group(names: string[], reason: string): [string, string][] {
  return names.map((name) => [name, reason]);
}
