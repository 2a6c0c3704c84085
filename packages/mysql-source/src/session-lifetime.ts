import { createConnection, type Connection } from 'mysql2';
import type { Socket } from 'node:net';
import type { SessionAccess } from './key-roles';
import { run } from './run-statement';
import { serverOptions, withoutDatabase, type MysqlConnectionOptions } from './server-options';
import type { SessionPool } from './session-pool';

/** One export's session, from its open to its end: kept for the next export, quit, or dropped. */
export interface SessionLifetime {
  /** The session; replaced when a kept one turns out to have died while kept. */
  connection: Connection;
  /** After a complete read: kept in the pool (role dropped first) or quit. Otherwise dropped. */
  end(isComplete: boolean): Promise<void>;
  /** Destroys the socket now and kills the server's query; idempotent. */
  drop(): Promise<void>;
}

export interface SessionLifetimeOptions {
  connection: MysqlConnectionOptions;
  access?: SessionAccess | undefined;
  /** Where a finished session waits for the next export (a worker's); absent: it quits. */
  sessions?: SessionPool | undefined;
}

export function createSessionLifetime(connection: Connection, options: SessionLifetimeOptions): SessionLifetime {
  let dropping: Promise<void> | undefined;
  const lifetime: SessionLifetime = {
    connection,
    drop() {
      dropping ??= dropSession(lifetime.connection, options.connection);
      return dropping;
    },
    async end(isComplete) {
      if (!isComplete) return lifetime.drop();
      if (options.sessions) return keepSession(lifetime.connection, options.sessions, options.access);
      // COM_QUIT ends the read-only session: nothing was written, so there is nothing to commit.
      await quitSession(lifetime.connection);
    },
  };
  return lifetime;
}

/**
 * Read to the end: the next export may reuse the session, once reset. COM_RESET_CONNECTION keeps
 * the role (MariaDB 10.11, tried), so it is dropped first; a session that cannot drop it is not
 * kept. The export does not wait for that round trip: the session joins the pool once it is done.
 */
function keepSession(session: Connection, sessions: SessionPool, access: SessionAccess | undefined): void {
  session.resume();
  if (!access) return sessions.keep(session);
  session.query('SET ROLE NONE', (error) => (error ? session.destroy() : sessions.keep(session)));
}

function quitSession(connection: Connection): Promise<void> {
  return new Promise<void>((resolve) =>
    connection.end((error) => {
      if (error) connection.destroy();
      resolve();
    }),
  );
}

/**
 * A destroyed socket alone does not stop the server: a query that is not writing (a sort, a SLEEP,
 * a paused stream) runs on until its time limit, holding locks. KILL QUERY stops it now. The
 * socket goes at once; the KILL may take a moment on a new connection (or fail if the server is
 * gone), and nothing waits on our side for it but the export's close().
 */
function dropSession(connection: Connection, options: MysqlConnectionOptions): Promise<void> {
  const threadId = connection.threadId;
  connection.destroy();
  // mysql2's destroy() only half-closes (end()): the server, blocked writing into our full,
  // unread receive buffer, then sits in "Writing to net" until net_write_timeout (60 s) even
  // after KILL. Destroying the socket itself resets the connection, and its write fails now.
  (connection as unknown as { stream?: Socket }).stream?.destroy();
  return killServerQuery(options, threadId);
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
