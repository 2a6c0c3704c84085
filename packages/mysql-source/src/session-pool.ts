import type { Connection } from 'mysql2';
import type { MysqlConnectionOptions } from './server-options';

/**
 * Finished exports' MySQL sessions, kept by one worker process for its next exports: a kept session
 * is reset with COM_RESET_CONNECTION before it is used again (user variables, temporary tables,
 * session variables, named locks and prepared statements all go; the export then sets its own
 * read-only settings and time limit, as on a new session), instead of a new TCP connection,
 * handshake and authentication per export. Only a session whose export read its result to the end
 * is kept: a cancelled, timed-out or failed export's session is dropped as before.
 */
export interface SessionPool {
  /** The server and account every kept session is connected to: an export on other options opens its own. */
  readonly connection: MysqlConnectionOptions;
  /** The most recently kept session, or undefined. Reset it before use. */
  take(): Connection | undefined;
  /** Keeps a finished export's session; ends it instead when `maxIdle` are kept already. */
  keep(connection: Connection): void;
  /** Ends every kept session. */
  close(): void;
}

export interface SessionPoolOptions {
  /** Sessions kept at most: the process's WORKER_COUNT is enough. */
  maxIdle: number;
  /** A session kept this long unused is ended: idle sessions hold server threads and count against the account's MAX_USER_CONNECTIONS. */
  idleMs?: number;
}

interface Kept {
  connection: Connection;
  timer: NodeJS.Timeout;
  onLost: () => void;
}

const DEFAULT_IDLE_MS = 5_000;

export function createSessionPool(connection: MysqlConnectionOptions, options: SessionPoolOptions): SessionPool {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const kept: Kept[] = [];
  const forget = (entry: Kept): void => {
    clearTimeout(entry.timer);
    entry.connection.removeListener('end', entry.onLost);
    entry.connection.removeListener('error', entry.onLost);
    kept.splice(kept.indexOf(entry), 1);
  };
  const end = (session: Connection): void => session.end(() => session.destroy());

  return {
    connection,
    take() {
      const entry = kept.at(-1);
      if (!entry) return undefined;
      forget(entry);
      return entry.connection;
    },
    keep(session) {
      if (kept.length >= options.maxIdle) return end(session);
      const entry: Kept = {
        connection: session,
        // A session the server closed (restart, wait_timeout, KILL) leaves the pool at once.
        onLost: () => {
          forget(entry);
          session.destroy();
        },
        timer: setTimeout(() => {
          forget(entry);
          end(session);
        }, idleMs).unref(),
      };
      session.once('end', entry.onLost);
      session.once('error', entry.onLost);
      kept.push(entry);
    },
    close() {
      for (const entry of [...kept]) {
        forget(entry);
        end(entry.connection);
      }
    },
  };
}
