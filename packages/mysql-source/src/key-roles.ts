import { createHash } from 'node:crypto';

/** One client key as the database sees it: a role that may read these schemas, and nothing else. */
export interface KeyGrant {
  keyId: string;
  schemas: readonly string[];
}

/** What a session must take on before it reads for a key: the key's role and, when the role may read it, a default database. */
export interface SessionAccess {
  role: string;
  /** `USE`d after the role is set; absent when the key may not read the connection's database. */
  database?: string;
}

// MySQL 8 allows 32 characters in an account (and so a role) name; MariaDB allows 128. The
// shorter bound keeps one name for both servers.
const MAX_ROLE_LENGTH = 32;
const PLAIN = /^[A-Za-z0-9_.$-]+$/;

/**
 * The role that holds one key's privileges: the reader's name and the key id, so that two
 * deployments on one server (two reader accounts) never share a role. A name too long for MySQL
 * keeps a readable start and ends in a digest of both parts, so it stays unique.
 */
export function keyRoleName(readerUser: string, keyId: string): string {
  const name = `${readerUser}_${keyId}`;
  if (name.length <= MAX_ROLE_LENGTH && PLAIN.test(name)) return name;
  const digest = createHash('sha256').update(`${readerUser}\u0000${keyId}`).digest('hex').slice(0, 12);
  const start = `${readerUser.slice(0, 10)}_${keyId.slice(0, 8)}`.replace(/[^A-Za-z0-9_]/g, '_');
  return `${start}_${digest}`;
}

/** The access an export of `key` runs with: its role, and the connection's database when the key may read it. */
export function sessionAccessFor(readerUser: string, defaultDatabase: string, key: KeyGrant): SessionAccess {
  return {
    role: keyRoleName(readerUser, key.keyId),
    ...(key.schemas.includes(defaultDatabase) ? { database: defaultDatabase } : {}),
  };
}

/** `name` as an identifier in a statement: backticks, with any backtick doubled. */
export function quoteName(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/**
 * Each key's session access, made once: what `ExportDeps.accessFor` answers. A key not listed still
 * gets its own role's name and no database, never the account's privileges: its export fails at
 * the server unless such a role was granted (the worker refuses unknown keys before that).
 */
export function keyAccessFor(
  readerUser: string,
  defaultDatabase: string,
  keys: readonly KeyGrant[],
  defaultKeyId: string,
): (keyId: string | undefined) => SessionAccess {
  const byKey = new Map(keys.map((key) => [key.keyId, sessionAccessFor(readerUser, defaultDatabase, key)]));
  return (keyId) => byKey.get(keyId ?? defaultKeyId) ?? { role: keyRoleName(readerUser, keyId ?? defaultKeyId) };
}
