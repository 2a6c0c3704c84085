import type { RowDataPacket } from 'mysql2';
import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';

interface BenchTable {
  name: string;
  create: string;
  /** One set-based INSERT … SELECT over MariaDB's sequence engine, rows start+1 … end+1. */
  fill(start: number, end: number): string;
}

// The mix the performance issue measured: 12 columns of BIGINT, VARCHAR, DATETIME(3), TIMESTAMP,
// TINYINT, DECIMAL, CHAR, TEXT, JSON and INT, with NULLs, about 340 bytes a row as CSV.
const USERS: BenchTable = {
  name: 'bench_users',
  create: `CREATE TABLE bench_users (
  id BIGINT NOT NULL PRIMARY KEY,
  name VARCHAR(100) NULL,
  email VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at TIMESTAMP NULL,
  is_active TINYINT NOT NULL,
  score DECIMAL(10,2) NULL,
  country CHAR(2) NOT NULL,
  bio TEXT NULL,
  prefs JSON NULL,
  login_count INT NOT NULL,
  deleted_at DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  fill: (start, end) => `INSERT INTO bench_users
      SELECT seq + 1,
        CASE WHEN seq % 20 = 7 THEN NULL WHEN seq % 13 = 5 THEN CONCAT('O''Brien, "Pat" ', seq) ELSE CONCAT('User ', seq) END,
        CONCAT('user', seq, '@example.com'),
        TIMESTAMP('2024-01-01') + INTERVAL (seq * 37 % 31536000) SECOND + INTERVAL (seq % 1000) * 1000 MICROSECOND,
        CASE WHEN seq % 3 = 0 THEN NULL ELSE TIMESTAMP('2025-01-01') + INTERVAL (seq * 91 % 31536000) SECOND END,
        seq % 2,
        CASE WHEN seq % 11 = 10 THEN NULL ELSE (seq * 7919 % 1000000) / 100 - 5000 END,
        ELT(1 + seq % 5, 'US', 'DE', 'FR', 'JP', 'BR'),
        CASE WHEN seq % 7 = 0 THEN NULL ELSE CONCAT('Bio of user ', seq, ': likes exports, "quotes", commas, and long text to make the row realistic. ', REPEAT('x', seq % 60)) END,
        CASE WHEN seq % 4 = 0 THEN NULL ELSE JSON_OBJECT('theme', ELT(1 + seq % 2, 'dark', 'light'), 'n', seq, 'tags', JSON_ARRAY('a', 'b')) END,
        seq * 13 % 10000,
        CASE WHEN seq % 10 = 0 THEN TIMESTAMP('2026-01-01') + INTERVAL (seq % 86400) SECOND ELSE NULL END
      FROM seq_${start}_to_${end}`,
};

// The same kinds of columns with more text per row (about 3× the bytes), text cells that often
// begin with =, +, - or @ (the formula guard's work), non-ASCII text, and a larger JSON column.
const TEXTS: BenchTable = {
  name: 'bench_texts',
  create: `CREATE TABLE bench_texts (
  id BIGINT NOT NULL PRIMARY KEY,
  title VARCHAR(200) NULL,
  author VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at TIMESTAMP NULL,
  is_public TINYINT NOT NULL,
  price DECIMAL(12,2) NULL,
  lang CHAR(2) NOT NULL,
  body TEXT NULL,
  meta JSON NULL,
  words INT NOT NULL,
  note VARCHAR(255) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  fill: (start, end) => `INSERT INTO bench_texts
      SELECT seq + 1,
        CASE WHEN seq % 17 = 3 THEN NULL ELSE CONCAT(ELT(1 + seq % 6, '=SUM(A1:A9)', '+1 555 0100', '-draft-', '@team ', 'Übersicht ', 'Report '), seq, ', "final" edition') END,
        CONCAT('author', seq % 5000, '@example.com'),
        TIMESTAMP('2024-01-01') + INTERVAL (seq * 37 % 31536000) SECOND + INTERVAL (seq % 1000) * 1000 MICROSECOND,
        CASE WHEN seq % 3 = 0 THEN NULL ELSE TIMESTAMP('2025-01-01') + INTERVAL (seq * 91 % 31536000) SECOND END,
        seq % 2,
        CASE WHEN seq % 9 = 4 THEN NULL ELSE (seq * 7919 % 10000000) / 100 - 20000 END,
        ELT(1 + seq % 4, 'en', 'de', 'fr', 'ja'),
        CASE WHEN seq % 11 = 0 THEN NULL ELSE CONCAT(ELT(1 + seq % 4, '=', '+', '-', '@'), 'Paragraph ', seq, ': "quoted", commas, tabs\tand\nline breaks; ', REPEAT('lorem ipsum dolor sit amet ', 6 + seq % 10), 'naïve café ', seq % 97) END,
        CASE WHEN seq % 5 = 0 THEN NULL ELSE JSON_OBJECT('tags', JSON_ARRAY('alpha', 'beta', CONCAT('t', seq % 50)), 'source', CONCAT('=HYPERLINK("http://example.com/', seq, '")'), 'stats', JSON_OBJECT('views', seq * 3 % 100000, 'likes', seq % 977, 'ratio', CAST((seq % 1000) / 1000 AS DOUBLE)), 'note', REPEAT('z', seq % 40)) END,
        seq * 13 % 5000,
        CASE WHEN seq % 4 = 0 THEN CONCAT('@', 'mention ', seq) WHEN seq % 4 = 1 THEN NULL ELSE CONCAT('-', seq) END
      FROM seq_${start}_to_${end}`,
};

export const BENCH_TABLES: readonly BenchTable[] = [USERS, TEXTS];

/** Creates and fills the table unless it already holds `rows` rows. Returns whether it seeded. */
export async function ensureBenchTable(db: Connection, table: BenchTable, rows: number): Promise<boolean> {
  const [tables] = await db.query<RowDataPacket[]>(`SHOW TABLES LIKE '${table.name}'`);
  if (tables.length) {
    const [[count]] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table.name}`);
    if (Number(count?.n) >= rows) return false;
  }
  await db.query(`DROP TABLE IF EXISTS ${table.name}`);
  await db.query(table.create);
  for (let start = 0; start < rows; start += 1_000_000) {
    await db.query(table.fill(start, Math.min(rows, start + 1_000_000) - 1));
  }
  return true;
}

export const BENCH_DATABASE = 'fluxquery_bench';

/** Creates the bench database, and each bench table with at least `rows` rows (0: no tables). */
export async function prepareBenchDatabase(server: ConnectionOptions & { tls?: unknown }, rows: number): Promise<void> {
  const { database: _database, tls: _tls, ...rest } = server;
  const db = await createConnection(rest);
  try {
    await db.query(`CREATE DATABASE IF NOT EXISTS \`${BENCH_DATABASE}\` CHARACTER SET utf8mb4`);
    await db.changeUser({ database: BENCH_DATABASE });
    for (const table of rows > 0 ? BENCH_TABLES : []) {
      const started = Date.now();
      if (await ensureBenchTable(db, table, rows)) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(`seeded ${rows} rows into ${BENCH_DATABASE}.${table.name} in ${seconds} s\n`);
      }
    }
  } finally {
    await db.end();
  }
}
