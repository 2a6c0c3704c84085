import type { Connection, FieldPacket } from 'mysql2';
import { describeColumn, type ColumnInfo } from './column-kinds';
import { estimateRows } from './estimate-rows';
import { watchForStop } from './export-stop';
import type { SessionAccess } from './key-roles';
import { toQueryError } from './mysql-errors';
import { newSession, prepareSession } from './prepare-session';
import { collectRowBatches, type RowBatchSource } from './row-batches';
import { readRowsInPlace, type RawRow } from './row-parser';
import type { MysqlConnectionOptions } from './server-options';
import { createSessionLifetime } from './session-lifetime';
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

/**
 * Opens a read-only session (or reuses a kept one, reset) and starts streaming one SELECT. Every value arrives as the
 * server's own bytes (a range of its packet, or NULL): BIGINT, DECIMAL and FLOAT as printed, dates
 * as printed (TIMESTAMP in UTC), JSON as text, binary as bytes. The connection still carries
 * supportBigNumbers, bigNumberStrings, dateStrings and jsonStrings for any typed read.
 */
export async function openExportQuery(options: ExportQueryOptions): Promise<ExportQuery> {
  // A worker's pool serves the exports on its own server and account (the same options object).
  const sessions = options.sessions?.connection === options.connection ? options.sessions : undefined;
  const kept = sessions?.take();
  const session = createSessionLifetime(kept ?? newSession(options.connection, options.access), {
    connection: options.connection,
    access: options.access,
    sessions,
  });
  // Stopping (time limit, cancel) drops the session at once.
  const stop = watchForStop(options.signal, options.timeoutMs, () => void session.drop());
  const failure = (error: unknown): Error => stop.reason() ?? toQueryError(error, options.timeoutMs);
  let isClosed = false;
  let isComplete = false;
  const close = async (): Promise<void> => {
    if (isClosed) return;
    isClosed = true;
    stop.dispose();
    await session.end(isComplete);
  };

  try {
    await prepareSession(session, kept, options, stop.stopped);
    const estimatedRows = await Promise.race([estimateRows(session.connection, options.sql), stop.stopped]);
    const source = streamRows(session.connection, options.sql, stop.stopped);
    const fields = (await Promise.race([source.fields, stop.stopped])) as FieldPacket[];
    async function* batches(): AsyncGenerator<RawRow[]> {
      try {
        yield* source.batches;
        isComplete = true;
      } catch (error) {
        throw failure(error);
      } finally {
        // Runs too when the consumer stops early (a storage failure): the query must not linger.
        await close();
      }
    }
    const columns = fields.map(describeColumn);
    return { columns, batches: batches(), close, ...(estimatedRows !== undefined ? { estimatedRows } : {}) };
  } catch (error) {
    await close();
    throw failure(error);
  }
}

/**
 * Raw bytes for every value (typeCast: false, then not even a Buffer per value: row-parser.ts):
 * encoders apply the type policy per column from the metadata, and copy bytes rather than build a
 * JS string per value. Profiled on a 12-column table, mysql2's per-value string creation and its
 * garbage were over a third of the CPU.
 */
function streamRows(connection: Connection, sql: string, stopped: Promise<never>): RowBatchSource {
  const query = connection.query({ sql, rowsAsArray: true, typeCast: false });
  readRowsInPlace(query);
  return collectRowBatches(
    query,
    () => connection.pause(),
    () => connection.resume(),
    stopped,
  );
}
