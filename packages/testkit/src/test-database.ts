import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { createConnection, type Connection } from 'mysql2/promise';
import { waitFor } from './wait-for';

export interface TestServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The MariaDB the tests use: the local one, unless TEST_MYSQL_HOST/PORT/USER/PASSWORD say otherwise. */
export function testServer(env: NodeJS.ProcessEnv = process.env): TestServer {
  return {
    host: env.TEST_MYSQL_HOST ?? '127.0.0.1',
    port: Number(env.TEST_MYSQL_PORT ?? 3306),
    user: env.TEST_MYSQL_USER ?? 'root',
    password: env.TEST_MYSQL_PASSWORD ?? '',
  };
}

export interface TestDatabase {
  name: string;
  connection: TestServer & { database: string };
  /** An admin session on the database, for setting up tables and reading them back. */
  db: Connection;
  /** Resolves once no query starting with `sqlPrefix` runs in this database; fails after `timeoutMs`. */
  waitUntilNoQuery(sqlPrefix: string, timeoutMs?: number): Promise<void>;
  /** Waits until the server has no session with this CONNECTION_ID(). */
  waitUntilNoConnection(id: number, timeoutMs?: number): Promise<void>;
  drop(): Promise<void>;
}

/** A fresh database with a unique name, so test files never see each other's tables. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const server = testServer();
  const name = `fq_test_${label.replace(/[^a-z0-9_]/gi, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection({ ...server });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const db = await createConnection({
    ...server,
    database: name,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    charset: 'utf8mb4',
  });
  return {
    name,
    connection: { ...server, database: name },
    db,
    async waitUntilNoQuery(sqlPrefix, timeoutMs = 5_000) {
      await waitFor(async () => {
        const [rows] = await db.query<RowDataPacket[]>(
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE ?',
          [name, `${sqlPrefix.replace(/[\\%_]/g, '\\$&')}%`],
        );
        return Number(rows[0]?.n) === 0 ? true : undefined;
      }, timeoutMs);
    },
    async waitUntilNoConnection(id, timeoutMs = 5_000) {
      await waitFor(async () => {
        const [rows] = await db.query<RowDataPacket[]>(
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?',
          [id],
        );
        return Number(rows[0]?.n) === 0 ? true : undefined;
      }, timeoutMs);
    },
    async drop() {
      await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await db.end();
    },
  };
}
