import {
  createReaderAccount,
  keyAccessFor,
  keyRoleName,
  type KeyGrant,
  type MysqlConnectionOptions,
  type SessionAccess,
} from '@fluxquery/mysql-source';
import { testServer, type TestDatabase } from '@fluxquery/testkit';
import { randomBytes } from 'node:crypto';

export interface TestReader {
  /** Connects as the reader, to the test database. */
  connection: MysqlConnectionOptions;
  /** Each key's role on the session, as the worker sets it (MYSQL_KEY_ROLES). */
  accessFor: (keyId: string | undefined) => SessionAccess;
  drop(): Promise<void>;
}

/**
 * A reader account with one role per key (by default the `default` key, reading the test
 * database), made by the same code as `pnpm db:reader`.
 */
export async function createTestReader(
  testDb: TestDatabase,
  limits: { maxConnections: number; maxStatementSeconds?: number },
  keys: readonly KeyGrant[] = [{ keyId: 'default', schemas: [testDb.name] }],
): Promise<TestReader> {
  const connection = {
    ...testDb.connection,
    user: `fq_r_${randomBytes(4).toString('hex')}`,
    password: randomBytes(12).toString('hex'),
  };
  await createReaderAccount(testServer(), {
    user: connection.user,
    host: '%',
    password: connection.password,
    keys,
    ...limits,
  });
  return {
    connection,
    accessFor: keyAccessFor(connection.user, testDb.name, keys, 'default'),
    drop: async () => {
      await testDb.db.query(`DROP USER IF EXISTS '${connection.user}'@'%'`);
      for (const key of keys)
        await testDb.db.query(`DROP ROLE IF EXISTS \`${keyRoleName(connection.user, key.keyId)}\``);
    },
  };
}
