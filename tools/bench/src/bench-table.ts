import type { RowDataPacket } from 'mysql2';
import type { Connection } from 'mysql2/promise';

export const BENCH_TABLE = 'bench_users';

// The mix the performance issue measured: 12 columns of BIGINT, VARCHAR, DATETIME(3), TIMESTAMP,
// TINYINT, DECIMAL, CHAR, TEXT, JSON and INT, with NULLs, about 340 bytes a row as CSV.
const CREATE = `CREATE TABLE ${BENCH_TABLE} (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

/** Creates and fills the table unless it already holds `rows` rows. Returns whether it seeded. */
export async function ensureBenchTable(db: Connection, rows: number): Promise<boolean> {
  const [tables] = await db.query<RowDataPacket[]>(`SHOW TABLES LIKE '${BENCH_TABLE}'`);
  if (tables.length) {
    const [[count]] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${BENCH_TABLE}`);
    if (Number(count?.n) >= rows) return false;
  }
  await db.query(`DROP TABLE IF EXISTS ${BENCH_TABLE}`);
  await db.query(CREATE);
  // MariaDB's sequence engine numbers the rows: one set-based INSERT … SELECT per million.
  for (let start = 0; start < rows; start += 1_000_000) {
    const end = Math.min(rows, start + 1_000_000) - 1;
    await db.query(`INSERT INTO ${BENCH_TABLE}
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
      FROM seq_${start}_to_${end}`);
  }
  return true;
}
