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
  /** A kept session for these options (most recently used first), or undefined. Reset it before use. */
  take(options: MysqlConnectionOptions): Connection | undefined;
  /** Keeps a finished export's session; ends it instead when `maxIdle` are kept already. */
  keep(options: MysqlConnectionOptions, connection: Connection): void;
  /** Ends every kept session. */
  close(): void;
}

export interface SessionPoolOptions {
  /** Sessions kept per set of options: the process's WORKER_COUNT is enough. */
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

export function createSessionPool(options: SessionPoolOptions): SessionPool {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const kept = new Map<string, Kept[]>();
  const keyOf = (connection: MysqlConnectionOptions): string => JSON.stringify(connection);
  const forget = (key: string, entry: Kept): void => {
    clearTimeout(entry.timer);
    entry.connection.removeListener('end', entry.onLost);
    entry.connection.removeListener('error', entry.onLost);
    const list = kept.get(key) ?? [];
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) kept.delete(key);
  };
  const end = (connection: Connection): void => connection.end(() => connection.destroy());

  return {
    take(connectionOptions) {
      const key = keyOf(connectionOptions);
      const entry = kept.get(key)?.at(-1);
      if (!entry) return undefined;
      forget(key, entry);
      return entry.connection;
    },
    keep(connectionOptions, connection) {
      const key = keyOf(connectionOptions);
      const list = kept.get(key) ?? [];
      if (list.length >= options.maxIdle) return end(connection);
      const entry: Kept = {
        connection,
        // A session the server closed (restart, wait_timeout, KILL) leaves the pool at once.
        onLost: () => {
          forget(key, entry);
          connection.destroy();
        },
        timer: setTimeout(() => {
          forget(key, entry);
          end(connection);
        }, idleMs).unref(),
      };
      connection.once('end', entry.onLost);
      connection.once('error', entry.onLost);
      list.push(entry);
      kept.set(key, list);
    },
    close() {
      for (const [key, list] of [...kept]) {
        for (const entry of [...list]) {
          forget(key, entry);
          end(entry.connection);
        }
      }
    },
  };
}
