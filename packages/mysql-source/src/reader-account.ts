import type { RowDataPacket } from 'mysql2';
import { createConnection, type Connection } from 'mysql2/promise';
import { keyRoleName, quoteName, type KeyGrant } from './key-roles';
import { serverOptions, withoutDatabase, type MysqlConnectionOptions } from './server-options';

/** An administrator's connection: any database, or none. */
export type AdminConnectionOptions = Omit<MysqlConnectionOptions, 'database'> & { database?: string };

export interface ReaderAccount {
  user: string;
  /** Where the worker connects from; `%` for anywhere. */
  host: string;
  password: string;
  /**
   * One role per client key, with SELECT on exactly that key's schemas. The account itself holds no
   * table privileges: a session reads only after `SET ROLE`, and then only what that key may.
   */
  keys: readonly KeyGrant[];
  /**
   * `roles` (the default): as above. `direct`: no roles, the account itself gets SELECT on every
   * key's schemas (MYSQL_KEY_ROLES=false, for servers without roles); the SQL guard alone then
   * keeps keys apart.
   */
  grants?: 'roles' | 'direct';
  /** Sessions the account may hold at once (exports, plus a KILL QUERY each). */
  maxConnections: number;
  /** MariaDB only: a server-side cap on any one statement, behind the session's own limit. */
  maxStatementSeconds?: number;
}

const NAME = /^[A-Za-z0-9_$-]{1,64}$/;
const HOST = /^[A-Za-z0-9_.%:-]{1,255}$/;

/**
 * The statements that make the export account and its key roles: the account gets a connection cap
 * and no privileges of its own; each key gets a role with SELECT on its schemas and nothing else (no
 * FILE, PROCESS, SUPER or any write), granted to the account. `grantedRoles` are the roles the
 * account holds now (`findGrantedRoles`): those of keys no longer listed are revoked, and dropped
 * when they carry this account's name. Re-running them resets the account and every role to
 * exactly this. Names are checked against a strict pattern because they cannot be bound as
 * parameters; the password is bound.
 */
export function readerAccountStatements(
  account: ReaderAccount,
  isMariaDb: boolean,
  grantedRoles: readonly string[] = [],
): [string, unknown[]][] {
  if (!NAME.test(account.user)) throw new Error(`the user name ${JSON.stringify(account.user)} is not plain`);
  if (!HOST.test(account.host)) throw new Error(`the host ${JSON.stringify(account.host)} is not plain`);
  if (account.keys.length === 0) throw new Error('the reader needs at least one client key');
  for (const key of account.keys) {
    if (key.schemas.length === 0) throw new Error(`the key ${key.keyId} needs at least one schema`);
    for (const schema of key.schemas) {
      if (!NAME.test(schema)) throw new Error(`the schema name ${JSON.stringify(schema)} is not plain`);
    }
  }
  const who = `'${account.user}'@'${account.host}'`;
  const limits = [
    `MAX_USER_CONNECTIONS ${Math.trunc(account.maxConnections)}`,
    ...(isMariaDb && account.maxStatementSeconds ? [`MAX_STATEMENT_TIME ${account.maxStatementSeconds}`] : []),
  ].join(' ');
  const isDirect = account.grants === 'direct';
  const wanted = new Map(isDirect ? [] : account.keys.map((key) => [keyRoleName(account.user, key.keyId), key]));
  const direct = isDirect ? [...new Set(account.keys.flatMap((key) => key.schemas))] : [];
  const statement = (sql: string): [string, unknown[]] => [sql, []];
  const stale = grantedRoles.filter((role) => !wanted.has(role));
  return [
    [`CREATE USER IF NOT EXISTS ${who} IDENTIFIED BY ?`, [account.password]],
    [`ALTER USER ${who} IDENTIFIED BY ? WITH ${limits}`, [account.password]],
    // Stale roles first: MariaDB's REVOKE ALL also takes the account's roles (MySQL's does not).
    ...stale.flatMap((role) => [
      statement(`REVOKE ${quoteName(role)} FROM ${who}`),
      ...(role.startsWith(`${account.user}_`) ? [statement(`DROP ROLE IF EXISTS ${quoteName(role)}`)] : []),
    ]),
    statement(`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${who}`),
    ...[...wanted].flatMap(([role, key]) => [
      statement(`CREATE ROLE IF NOT EXISTS ${quoteName(role)}`),
      statement(`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${quoteName(role)}`),
      ...key.schemas.map((schema) => statement(`GRANT SELECT ON ${quoteName(schema)}.* TO ${quoteName(role)}`)),
      statement(`GRANT ${quoteName(role)} TO ${who}`),
    ]),
    ...direct.map((schema) => statement(`GRANT SELECT ON ${quoteName(schema)}.* TO ${who}`)),
  ];
}

/** Runs the statements as an administrator, after reading which roles the account holds now. */
export async function createReaderAccount(admin: AdminConnectionOptions, account: ReaderAccount): Promise<void> {
  await withSession(admin, async (session) => {
    const isMariaDb = await isMariaDbServer(session);
    const granted = await findGrantedRoles(session, account);
    for (const [sql, values] of readerAccountStatements(account, isMariaDb, granted)) await session.query(sql, values);
  });
}

/** The statements `createReaderAccount` would run now, for an operator to apply by hand. */
export async function planReaderAccount(
  admin: AdminConnectionOptions,
  account: ReaderAccount,
): Promise<[string, unknown[]][]> {
  return withSession(admin, async (session) =>
    readerAccountStatements(account, await isMariaDbServer(session), await findGrantedRoles(session, account)),
  );
}

async function isMariaDbServer(session: Connection): Promise<boolean> {
  const [rows] = await session.query<RowDataPacket[]>('SELECT VERSION() AS version');
  return /mariadb/i.test(String(rows[0]?.version ?? ''));
}

/** The roles granted to the account now; none when it does not exist yet. */
async function findGrantedRoles(session: Connection, account: Pick<ReaderAccount, 'user' | 'host'>): Promise<string[]> {
  try {
    const [rows] = await session.query<RowDataPacket[]>({
      sql: 'SHOW GRANTS FOR ?@?',
      values: [account.user, account.host],
      rowsAsArray: true,
    });
    return rows.flatMap((row) => rolesIn(String((row as unknown[])[0])));
  } catch (error) {
    if ((error as { errno?: number }).errno === 1141) return []; // no such account yet
    throw error;
  }
}

/** The roles a `SHOW GRANTS` line grants: `GRANT \`r1\`,\`r2\`@\`%\` TO …` (a privilege line has ` ON `). */
export function rolesIn(grant: string): string[] {
  const match = /^GRANT (.+?) TO [`']/i.exec(grant);
  if (!match?.[1] || / ON /i.test(match[1])) return [];
  return [...match[1].matchAll(/[`']((?:[^`']|``)+)[`'](?:@[`'][^`']*[`'])?/g)].map((m) =>
    (m[1] ?? '').replaceAll('``', '`'),
  );
}

export interface AccountGrants {
  /** Grants beyond reading (anything but USAGE, SELECT and roles): an administrator's account. */
  excess: string[];
  /** The roles granted to the account. */
  roles: string[];
}

/**
 * What the connected account may do, so that the worker can warn at start when it was given an
 * administrator's account, or when a key's role is missing. Connects without a database: the
 * export account may not use one before its role is set.
 */
export async function findAccountGrants(options: AdminConnectionOptions): Promise<AccountGrants> {
  return withSession(withoutDatabase(options), async (session) => {
    const [rows] = await session.query<RowDataPacket[]>({ sql: 'SHOW GRANTS', rowsAsArray: true });
    const grants = rows.map((row) => String((row as unknown[])[0]));
    return {
      excess: grants
        .filter((grant) => / ON /i.test(grant) && !/^GRANT (USAGE|SELECT) ON /i.test(grant))
        .map((grant) => grant.replace(/IDENTIFIED BY .*$/i, '').trim()),
      roles: grants.flatMap(rolesIn),
    };
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
  await withSession(withoutDatabase(options), async (session) => {
    await session.query('SELECT 1');
  });
}
