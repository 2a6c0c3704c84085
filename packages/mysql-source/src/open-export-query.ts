import { AppError } from '@fluxquery/errors';
import { createConnection, type Connection, type FieldPacket } from 'mysql2';
import type { Socket } from 'node:net';
import { describeColumn, type ColumnInfo } from './column-kinds';
import { estimateRows } from './estimate-rows';
import { run } from './run-statement';
import { toQueryError } from './mysql-errors';
import { collectRowBatches } from './row-batches';
import { readRowsInPlace, type RawRow } from './row-parser';
import { serverOptions, withoutDatabase, type MysqlConnectionOptions } from './server-options';
import { quoteName, type SessionAccess } from './key-roles';
import type { SessionPool } from './session-pool';

export type { MysqlConnectionOptions } from './server-options';

export interface ExportQueryOptions {
  connection: MysqlConnectionOptions;
  sql: string;
  /** Covers the whole export, including time spent waiting on a slow consumer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Finished exports' sessions, reused once reset (a worker's); absent: a new session per export, ended with COM_QUIT. */
  sessions?: SessionPool;
  /**
   * The client key's role, set before anything is read (and its database then `USE`d): the account
   * itself may read nothing. Absent: the account reads with its own privileges (MYSQL_KEY_ROLES=off).
   */
  access?: SessionAccess;
}

export interface ExportQuery {
  columns: ColumnInfo[];
  /** Rows in SELECT order, each value a byte range of the server's packet, in batches; errors are already AppErrors. */
  batches: AsyncIterable<RawRow[]>;
  /** Ends the session: commits after a complete read, otherwise drops the connection. Idempotent. */
  close(): Promise<void>;
  /** EXPLAIN's guess at the row count, when it gives one (estimate-rows.ts). */
  estimatedRows?: number;
}

// The JS timer fires a little after the server's own limit, so the server's clearer error wins the race.
const CLIENT_TIMEOUT_GRACE_MS = 2_000;

/**
 * Opens a read-only session (or reuses a kept one, reset) and starts streaming one SELECT. Every value arrives as the
 * server's own bytes (a range of its packet, or NULL): BIGINT, DECIMAL and FLOAT as printed, dates
 * as printed (TIMESTAMP in UTC), JSON as text, binary as bytes. The connection still carries
 * supportBigNumbers, bigNumberStrings, dateStrings and jsonStrings for any typed read.
 */
// eslint-disable-next-line max-lines-per-function -- its steps share the session, the stop promise and the time limit's timer, and every wait races the stop; split, each step would take all three
export async function openExportQuery(options: ExportQueryOptions): Promise<ExportQuery> {
  // A worker's pool serves the exports on its own server and account (the same options object).
  const sessions = options.sessions?.connection === options.connection ? options.sessions : undefined;
  const kept = sessions?.take();
  let connection = kept ?? newSession(options.connection, options.access);

  let isClosed = false;
  let isComplete = false;
  const close = async (): Promise<void> => {
    if (isClosed) return;
    isClosed = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (!isComplete) return dropSession();
    if (sessions) {
      // Read to the end: the next export may reuse the session, once reset. COM_RESET_CONNECTION
      // keeps the role (MariaDB 10.11, tried), so it is dropped first; a session that cannot drop
      // it is not kept. The export does not wait for that round trip: the session joins the pool
      // once it is done.
      connection.resume();
      if (!options.access) return sessions.keep(connection);
      const session = connection;
      session.query('SET ROLE NONE', (error) => (error ? session.destroy() : sessions.keep(session)));
      return;
    }
    // COM_QUIT ends the read-only session: nothing was written, so there is nothing to commit.
    await new Promise<void>((resolve) =>
      connection.end((error) => {
        if (error) connection.destroy();
        resolve();
      }),
    );
  };

  // A destroyed socket alone does not stop the server: a query that is not writing (a sort, a
  // SLEEP, a paused stream) runs on until its time limit, holding locks. KILL QUERY stops it now.
  let dropping: Promise<void> | undefined;
  const dropSession = (): Promise<void> => {
    if (!dropping) {
      // The socket goes at once; the KILL may take a moment on a new connection (or fail if the
      // server is gone), and nothing waits on our side for it but close().
      const threadId = connection.threadId;
      connection.destroy();
      // mysql2's destroy() only half-closes (end()): the server, blocked writing into our full,
      // unread receive buffer, then sits in "Writing to net" until net_write_timeout (60 s) even
      // after KILL. Destroying the socket itself resets the connection, and its write fails now.
      (connection as unknown as { stream?: Socket }).stream?.destroy();
      dropping = killServerQuery(options.connection, threadId);
    }
    return dropping;
  };

  // Stopping (time limit, cancel) drops the connection; mysql2 does not always fail the command in
  // flight when its socket is destroyed, so every wait below also races `stopped`.
  let stopReason: AppError | undefined;
  let rejectStopped: (reason: AppError) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (rejectStopped = reject));
  stopped.catch(() => undefined);
  const stop = (reason: AppError): void => {
    stopReason ??= reason;
    rejectStopped(stopReason);
    void dropSession();
  };
  const onAbort = (): void => stop(new AppError('CANCELLED', 'the export was cancelled'));
  const timer = setTimeout(
    () =>
      stop(
        new AppError(
          'QUERY_TIMEOUT',
          `the export took longer than its ${Math.round(options.timeoutMs / 1000)} s time limit`,
        ),
      ),
    options.timeoutMs + CLIENT_TIMEOUT_GRACE_MS,
  );
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    // A kept session is reset; one that died while kept is replaced by a new one.
    if (kept && !(await Promise.race([resetSession(kept), stopped]))) {
      kept.destroy();
      connection = newSession(options.connection, options.access);
    }
    // A new session's handshake first: its packet names the server, so that the session's settings
    // need no SELECT VERSION() round trip (the settings would wait for the handshake anyway).
    if (connection !== kept) await Promise.race([handshake(connection), stopped]);
    await Promise.race([startReadOnlySession(connection, options.timeoutMs), stopped]);
    if (options.access) await Promise.race([takeAccess(connection, options.access), stopped]);
    const estimatedRows = await Promise.race([estimateRows(connection, options.sql), stopped]);
    // Raw bytes for every value (typeCast: false, then not even a Buffer per value: row-parser.ts):
    // encoders apply the type policy per column from the metadata, and copy bytes rather than build
    // a JS string per value. Profiled on a 12-column table, mysql2's per-value string creation and
    // its garbage were over a third of the CPU.
    const query = connection.query({ sql: options.sql, rowsAsArray: true, typeCast: false });
    readRowsInPlace(query);
    const source = collectRowBatches(
      query,
      () => connection.pause(),
      () => connection.resume(),
      stopped,
    );
    const fields = (await Promise.race([source.fields, stopped])) as FieldPacket[];
    const columns = fields.map(describeColumn);

    async function* batches(): AsyncGenerator<RawRow[]> {
      try {
        yield* source.batches;
        isComplete = true;
      } catch (error) {
        throw stopReason ?? toQueryError(error, options.timeoutMs);
      } finally {
        // Runs too when the consumer stops early (a storage failure): the query must not linger.
        await close();
      }
    }
    return { columns, batches: batches(), close, ...(estimatedRows !== undefined ? { estimatedRows } : {}) };
  } catch (error) {
    await close();
    throw stopReason ?? toQueryError(error, options.timeoutMs);
  }
}

async function killServerQuery(options: MysqlConnectionOptions, threadId: number | null): Promise<void> {
  if (!threadId) return;
  const killer = createConnection({ ...serverOptions(withoutDatabase(options)), connectTimeout: 5_000 });
  killer.on('error', () => undefined);
  try {
    await run(killer, `KILL QUERY ${Math.trunc(threadId)}`);
  } catch {
    // Already finished, or the server is gone: either way there is nothing left to stop.
  } finally {
    killer.destroy();
  }
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

function newSession(options: MysqlConnectionOptions, access: SessionAccess | undefined): Connection {
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
