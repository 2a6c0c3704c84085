import type { MysqlConnectionOptions, SessionAccess } from '@fluxquery/mysql-source';
import { createTestDatabase, type TestDatabase } from '@fluxquery/testkit';
import { createTestReader } from '../e2e/test-reader';

export interface SecurityDatabase {
  test: TestDatabase;
  /** Another client's schema: the `other` key's role may read it, the `default` key's may not. */
  other: string;
  /** The read-only export account, made by the same code as `pnpm db:reader`: no privileges of its own, a role per key. */
  reader: MysqlConnectionOptions;
  /** The role of a key of the test database (`default`, …) or of `other`, as the worker sets it. */
  accessFor: (keyId: string | undefined) => SessionAccess;
  fill(sql: string): string;
  drop(): Promise<void>;
}

/** The corpus's tables with a few rows each, a schema the reader may not read, and the reader itself. */
export async function createSecurityDatabase(label: string): Promise<SecurityDatabase> {
  return prepareSecurityDatabase(await createTestDatabase(label));
}

/** The same, in a test database made elsewhere (the e2e harness's); drop() leaves that database to its owner. */
export async function prepareSecurityDatabase(
  test: TestDatabase,
  isOwner = true,
  /** The keys whose role reads the test database (beside `other`). */
  keyIds: readonly string[] = ['default'],
): Promise<SecurityDatabase> {
  const other = `${test.name}_other`;
  const { db } = test;
  await db.query(`CREATE TABLE users (
    id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), country CHAR(2), note VARCHAR(100),
    deleted_at DATETIME NULL, drop_reason VARCHAR(50) NULL, prefs JSON NULL, created_at DATETIME NOT NULL)`);
  await db.query(`INSERT INTO users VALUES
    (1, 'Ada', 'ada@example.com', 'GB', 'DROP TABLE users', NULL, NULL, '{"theme": "dark"}', '2024-01-02 03:04:05'),
    (2, 'Alan', 'alan@example.com', 'GB', NULL, '2024-06-01 00:00:00', 'duplicate', '{"theme": "light"}', '2024-02-03 04:05:06'),
    (3, 'Grace', 'grace@example.com', 'US', 'hello', NULL, NULL, NULL, '2024-03-04 05:06:07')`);
  await db.query(
    'CREATE TABLE transactions (id INT PRIMARY KEY, user_id INT, amount DECIMAL(10,2), created_at DATETIME)',
  );
  await db.query(`INSERT INTO transactions VALUES (1, 1, 12.50, '2024-01-05 00:00:00'),
    (2, 1, 250.00, '2024-02-05 00:00:00'), (3, 3, 7.00, '2024-03-05 00:00:00')`);
  await db.query('CREATE SEQUENCE seq_ids');
  await db.query('CREATE FUNCTION leak(x INT) RETURNS INT DETERMINISTIC RETURN x');
  await db.query('CREATE PROCEDURE evil() SELECT 1');
  await db.query(`CREATE DATABASE \`${other}\``);
  await db.query(`CREATE TABLE \`${other}\`.payroll (id INT PRIMARY KEY, salary INT)`);
  await db.query(`INSERT INTO \`${other}\`.payroll VALUES (1, 100000)`);

  // One account for two clients, the documented set-up: each key's role reads its own schema.
  const reader = await createTestReader(test, { maxConnections: 4, maxStatementSeconds: 60 }, [
    ...keyIds.map((keyId) => ({ keyId, schemas: [test.name] })),
    { keyId: 'other', schemas: [other] },
  ]);
  return {
    test,
    other,
    reader: reader.connection,
    accessFor: reader.accessFor,
    fill: (sql) => sql.replaceAll('{db}', test.name).replaceAll('{other}', other),
    async drop() {
      await reader.drop();
      await db.query(`DROP DATABASE IF EXISTS \`${other}\``);
      if (isOwner) await test.drop();
    },
  };
}
