import type { RowDataPacket } from 'mysql2';
import { createConnection, type Connection } from 'mysql2/promise';
import { serverOptions, type MysqlConnectionOptions } from './server-options';

/** An administrator's connection: any database, or none. */
export type AdminConnectionOptions = Omit<MysqlConnectionOptions, 'database'> & { database?: string };

export interface ReaderAccount {
  user: string;
  /** Where the worker connects from; `%` for anywhere. */
  host: string;
  password: string;
  /** The only schemas the account may read. */
  schemas: readonly string[];
  /** Sessions the account may hold at once (exports, plus a KILL QUERY each). */
  maxConnections: number;
  /** MariaDB only: a server-side cap on any one statement, behind the session's own limit. */
  maxStatementSeconds?: number;
}

const NAME = /^[A-Za-z0-9_$-]{1,64}$/;
const HOST = /^[A-Za-z0-9_.%:-]{1,255}$/;

/**
 * The statements that make the export account: SELECT on the given schemas and nothing else (no
 * FILE, PROCESS, SUPER or any write), and a connection cap. Re-running them resets the account to
 * exactly this. Names are checked against a strict pattern because they cannot be bound as
 * parameters; the password is bound.
 */
export function readerAccountStatements(account: ReaderAccount, isMariaDb: boolean): [string, unknown[]][] {
  if (!NAME.test(account.user)) throw new Error(`the user name ${JSON.stringify(account.user)} is not plain`);
  if (!HOST.test(account.host)) throw new Error(`the host ${JSON.stringify(account.host)} is not plain`);
  if (account.schemas.length === 0) throw new Error('the reader needs at least one schema');
  for (const schema of account.schemas) {
    if (!NAME.test(schema)) throw new Error(`the schema name ${JSON.stringify(schema)} is not plain`);
  }
  const who = `'${account.user}'@'${account.host}'`;
  const limits = [
    `MAX_USER_CONNECTIONS ${Math.trunc(account.maxConnections)}`,
    ...(isMariaDb && account.maxStatementSeconds ? [`MAX_STATEMENT_TIME ${account.maxStatementSeconds}`] : []),
  ].join(' ');
  return [
    [`CREATE USER IF NOT EXISTS ${who} IDENTIFIED BY ?`, [account.password]],
    [`ALTER USER ${who} IDENTIFIED BY ? WITH ${limits}`, [account.password]],
    [`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${who}`, []],
    ...account.schemas.map((schema): [string, unknown[]] => [`GRANT SELECT ON \`${schema}\`.* TO ${who}`, []]),
  ];
}

/** Runs the statements as an administrator. */
export async function createReaderAccount(admin: AdminConnectionOptions, account: ReaderAccount): Promise<void> {
  await withSession(admin, async (session) => {
    const [rows] = await session.query<RowDataPacket[]>('SELECT VERSION() AS version');
    const isMariaDb = /mariadb/i.test(String(rows[0]?.version ?? ''));
    for (const [sql, values] of readerAccountStatements(account, isMariaDb)) await session.query(sql, values);
  });
}

/**
 * The grants of the connected account that go beyond reading (anything but USAGE and SELECT), so
 * that the worker can warn when it was given an administrator's account.
 */
export async function findExcessGrants(options: AdminConnectionOptions): Promise<string[]> {
  return withSession(options, async (session) => {
    const [rows] = await session.query<RowDataPacket[]>({ sql: 'SHOW GRANTS', rowsAsArray: true });
    return rows
      .map((row) => String((row as unknown[])[0]))
      .filter((grant) => !/^GRANT (USAGE|SELECT) ON /i.test(grant))
      .map((grant) => grant.replace(/IDENTIFIED BY .*$/i, '').trim());
  });
}

async function withSession<T>(options: AdminConnectionOptions, use: (session: Connection) => Promise<T>): Promise<T> {
  const session = await createConnection({ ...serverOptions(options), connectTimeout: 10_000 });
  try {
    return await use(session);
  } finally {
    await session.end().catch(() => session.destroy());
  }
}

/** Answers when the database takes a connection and a query: a worker's readiness. */
export async function pingDatabase(options: MysqlConnectionOptions): Promise<void> {
  await withSession(options, async (session) => {
    await session.query('SELECT 1');
  });
}
