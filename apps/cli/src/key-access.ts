import type { Config } from '@fluxquery/config';
import { sessionAccessFor, type SessionAccess } from '@fluxquery/mysql-source';
import { checkSelectQuery } from '@fluxquery/sql-guard';

/**
 * `--key`: the query checked against the key's schemas by the api's guard, and the key's database
 * role to read with (absent with MYSQL_KEY_ROLES=false). Says on stderr which privileges the export
 * runs with, so that an access error is easy to place.
 */
export function keyAccessFor(config: Readonly<Config>, keyId: string, query: string): SessionAccess | undefined {
  const client = config.clients.find((c) => c.keyId === keyId);
  if (!client) throw new Error(`no client key "${keyId}" in API_SECRET / CLIENT_KEYS`);
  const schemas = client.allowedSchemas;
  checkSelectQuery(query, { defaultSchema: config.mysql.database, allowedSchemas: schemas });
  const { user, database } = config.mysql;
  const access = config.mysqlKeyRoles ? sessionAccessFor(user, database, { keyId, schemas }) : undefined;
  process.stderr.write(
    access
      ? `reading as ${user} with the role ${access.role} of key ${keyId} (SELECT on ${schemas.join(', ')})\n`
      : `reading as ${user} with its own privileges (MYSQL_KEY_ROLES=false; key ${keyId}: ${schemas.join(', ')})\n`,
  );
  return access;
}
