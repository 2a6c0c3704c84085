import type { RowDataPacket } from 'mysql2';
import type { Connection } from 'mysql2/promise';
import { DEMO_SCHEMA } from './schema';

export interface SeedOptions {
  users: number;
  transactions: number;
  /** Drop and refill the tables; otherwise seeding is skipped when users already has rows. */
  reset: boolean;
}

export interface SeedResult {
  users: number;
  transactions: number;
  isSkipped: boolean;
  ms: number;
}

// A ten-row table, cross-joined with itself, numbers any count of rows in one set-based
// INSERT … SELECT: 1,000,000 users take seconds, where row-by-row inserts from Node take minutes.
const DIGITS_TABLE = '_seed_digits';

/** Creates the demo tables in the connection's current database and fills them. */
export async function seedDemoDatabase(db: Connection, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  if (options.reset) await db.query('DROP TABLE IF EXISTS users, transactions');
  for (const statement of DEMO_SCHEMA) await db.query(statement);
  const [[existing]] = await db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM users');
  if (Number(existing?.n) > 0) {
    return { users: Number(existing?.n), transactions: 0, isSkipped: true, ms: Date.now() - started };
  }

  await db.query(`DROP TABLE IF EXISTS ${DIGITS_TABLE}`);
  await db.query(`CREATE TABLE ${DIGITS_TABLE} (d TINYINT NOT NULL PRIMARY KEY)`);
  await db.query(`INSERT INTO ${DIGITS_TABLE} VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)`);
  try {
    await db.query(`INSERT INTO users (id, name, email, created_at, updated_at, is_active, score)
      SELECT n + 1,
        CASE WHEN n % 50 = 49 THEN NULL
             WHEN n % 97 = 11 THEN ''
             WHEN n % 13 = 5 THEN CONCAT('O''Brien, "Pat" ', n)
             WHEN n % 17 = 3 THEN CONCAT('Zoë Ünal 🚀 ', n)
             WHEN n % 19 = 7 THEN CONCAT('Line\nBreak ', n)
             ELSE CONCAT('User ', n) END,
        CONCAT('user', n + 1, '@example.com'),
        TIMESTAMP('2024-01-01') + INTERVAL (n * 37 % 31536000) SECOND,
        CASE WHEN n % 3 = 0 THEN NULL ELSE TIMESTAMP('2025-01-01') + INTERVAL (n * 91 % 31536000) SECOND END,
        n % 5 <> 0,
        CASE WHEN n % 11 = 10 THEN NULL ELSE (n * 7919 % 1000000) / 100 - 5000 END
      FROM (${numbers(options.users)}) AS seq`);
    await db.query(`INSERT INTO transactions (id, user_id, amount, currency, status, created_at)
      SELECT n + 1,
        1 + (n * 7 % ${Math.max(1, options.users)}),
        (n * 104729 % 100000000) / 100 - 100000,
        ELT(1 + n % 4, 'USD', 'EUR', 'GBP', 'JPY'),
        ELT(1 + n % 3, 'completed', 'pending', 'failed'),
        TIMESTAMP('2024-06-01') + INTERVAL (n * 53 % 31536000) SECOND
      FROM (${numbers(options.transactions)}) AS seq`);
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${DIGITS_TABLE}`);
  }
  return { users: options.users, transactions: options.transactions, isSkipped: false, ms: Date.now() - started };
}

/** SQL for the numbers 0 … count-1 as column `n`. */
function numbers(count: number): string {
  const places = Math.max(1, Math.ceil(Math.log10(Math.max(count, 2))));
  const joins = Array.from({ length: places }, (_, i) => `${DIGITS_TABLE} d${i}`).join(' CROSS JOIN ');
  const value = Array.from({ length: places }, (_, i) => `d${i}.d * ${10 ** i}`).join(' + ');
  return `SELECT ${value} AS n FROM ${joins} HAVING n < ${count}`;
}
