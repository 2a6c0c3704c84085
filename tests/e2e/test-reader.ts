import { createReaderAccount, type MysqlConnectionOptions } from '@fluxquery/mysql-source';
import { testServer, type TestDatabase } from '@fluxquery/testkit';
import { randomBytes } from 'node:crypto';

export interface TestReader {
  /** Connects as the reader, to the test database. */
  connection: MysqlConnectionOptions;
  drop(): Promise<void>;
}

/** A SELECT-only account on one test database, made by the same code as `pnpm db:reader`. */
export async function createTestReader(
  testDb: TestDatabase,
  limits: { maxConnections: number; maxStatementSeconds?: number },
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
    schemas: [testDb.name],
    ...limits,
  });
  return {
    connection,
    drop: async () => void (await testDb.db.query(`DROP USER IF EXISTS '${connection.user}'@'%'`)),
  };
}
