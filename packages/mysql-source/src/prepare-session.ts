import { AppError } from '@fluxquery/errors';
import { createConnection, type Connection } from 'mysql2';
import { quoteName, type SessionAccess } from './key-roles';
import { run } from './run-statement';
import { serverOptions, withoutDatabase, type MysqlConnectionOptions } from './server-options';
import type { SessionLifetime } from './session-lifetime';

export interface SessionSettings {
  connection: MysqlConnectionOptions;
  timeoutMs: number;
  access?: SessionAccess | undefined;
}

/**
 * Makes the lifetime's session ready to read: a kept one reset (one that died while kept replaced
 * by a new one), a new one's handshake; then the read-only settings and the key's access. Every
 * wait races `stopped`.
 */
export async function prepareSession(
  lifetime: SessionLifetime,
  kept: Connection | undefined,
  settings: SessionSettings,
  stopped: Promise<never>,
): Promise<void> {
  if (kept && !(await Promise.race([resetSession(kept), stopped]))) {
    kept.destroy();
    lifetime.connection = newSession(settings.connection, settings.access);
  }
  const connection = lifetime.connection;
  // A new session's handshake first: its packet names the server, so that the session's settings
  // need no SELECT VERSION() round trip (the settings would wait for the handshake anyway).
  if (connection !== kept) await Promise.race([handshake(connection), stopped]);
  await Promise.race([startReadOnlySession(connection, settings.timeoutMs), stopped]);
  if (settings.access) await Promise.race([takeAccess(connection, settings.access), stopped]);
}

/**
 * One round trip (two with a server that hides its version): the session's time limit, UTC, the
 * quoting rules the SQL guard assumes, and read-only for every statement it runs, so that a write
 * smuggled in through a stored function is refused by the server itself.
 */
async function startReadOnlySession(connection: Connection, timeoutMs: number): Promise<void> {
  const version = handshakeVersion(connection) ?? String((await run(connection, 'SELECT VERSION() AS v'))[0]?.v);
  const isMariaDb = /mariadb/i.test(version);
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  // The limit must cover the whole export: MariaDB counts time blocked on our backpressure too.
  const limit = isMariaDb ? `max_statement_time = ${seconds}` : `max_execution_time = ${seconds * 1000}`;
  // MariaDB before 11.1 knows only tx_read_only; MySQL 8 only transaction_read_only.
  const readOnly = isMariaDb ? 'tx_read_only = 1' : 'transaction_read_only = 1';
  // The SQL guard reads quotes as the default sql_mode does: "…" is a string and \' escapes. A
  // server set to ANSI_QUOTES or NO_BACKSLASH_ESCAPES would read the same text differently.
  const sqlMode =
    "TRIM(BOTH ',' FROM REPLACE(REPLACE(REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',ANSI_QUOTES,', ','), ',NO_BACKSLASH_ESCAPES,', ','), ',ANSI,', ','))";
  // NAMES as the handshake set it (mysql2's utf8mb4 is utf8mb4_general_ci): a reset session's
  // character set would otherwise be the server's global default.
  await run(
    connection,
    `SET NAMES utf8mb4 COLLATE utf8mb4_general_ci, SESSION ${limit}, SESSION time_zone = '+00:00', SESSION sql_mode = ${sqlMode}, SESSION ${readOnly}`,
  );
}

// The database each session last `USE`d: a kept session keeps it through COM_RESET_CONNECTION.
const usedDatabases = new WeakMap<Connection, string>();

/**
 * The key's role, then its default database: one round trip each (SET ROLE is no variable, so it
 * cannot join the session's SET). A role that is missing or not granted fails the export with the
 * operator's fix named; the server's refusal is the check, not ours.
 */
async function takeAccess(connection: Connection, access: SessionAccess): Promise<void> {
  try {
    await run(connection, `SET ROLE ${quoteName(access.role)}`);
  } catch (error) {
    if (!INVALID_ROLE.has((error as { errno?: number }).errno ?? 0)) throw error;
    throw new AppError(
      'QUERY_FAILED',
      "this key's database role does not exist or is not granted to the export account (run `fluxquery db reader`)",
      { cause: error },
    );
  }
  if (access.database === undefined || usedDatabases.get(connection) === access.database) return;
  await run(connection, `USE ${quoteName(access.database)}`);
  usedDatabases.set(connection, access.database);
}

// MariaDB: 1959 Invalid role specification; MySQL 8: 3530 not granted.
const INVALID_ROLE = new Set([1959, 3530]);

export function newSession(options: MysqlConnectionOptions, access: SessionAccess | undefined): Connection {
  // With a key role the account may not open the database before SET ROLE: it is `USE`d after it.
  const connection = createConnection({
    ...serverOptions(access ? withoutDatabase(options) : options),
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
    rowsAsArray: true,
    multipleStatements: false,
    connectTimeout: 10_000,
    // Nothing here prepares statements; mysql2's default cache (16,000 slots, allocated up front
    // for each connection) was 0.4 ms of CPU per export in a profile of a worker draining small jobs.
    maxPreparedStatements: 1,
  });
  // A session-level error (lost socket) is also reported to the running query; this keeps it off
  // the process's unhandled 'error' path.
  connection.on('error', () => undefined);
  return connection;
}

/** COM_RESET_CONNECTION: true when the server reset the session, false when it is gone. */
function resetSession(connection: Connection): Promise<boolean> {
  return new Promise((resolve) => connection.reset((error) => resolve(!error)));
}

function handshake(connection: Connection): Promise<void> {
  return new Promise((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
}

/** The version the server announced in its handshake (mysql2 keeps the packet, unexported). */
function handshakeVersion(connection: Connection): string | undefined {
  const packet = (connection as unknown as { _handshakePacket?: { serverVersion?: unknown } })._handshakePacket;
  return typeof packet?.serverVersion === 'string' ? packet.serverVersion : undefined;
}
