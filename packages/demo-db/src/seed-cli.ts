import { loadConfig } from '@fluxquery/config';
import { createLogger } from '@fluxquery/logger';
import { createConnection } from 'mysql2/promise';
import { parseArgs } from 'node:util';
import { seedDemoDatabase } from './seed';

/** `pnpm db:seed --users 1000000 [--transactions N] [--reset]`: creates the database if needed, then seeds it. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '1000' },
      transactions: { type: 'string' },
      reset: { type: 'boolean', default: false },
    },
  });
  const users = Number(values.users);
  const transactions = values.transactions === undefined ? users * 3 : Number(values.transactions);
  if (!Number.isInteger(users) || users < 0 || !Number.isInteger(transactions) || transactions < 0) {
    throw new Error('--users and --transactions take whole numbers');
  }
  const config = loadConfig();
  const logger = createLogger({ service: 'db-seed', level: config.logLevel });
  // The admin account when one is set: the export account (MYSQL_DSN) may only read.
  const { database } = config.mysql;
  const { database: _adminDatabase, ...server } = config.adminMysql ?? config.mysql;
  const db = await createConnection({ ...server, multipleStatements: false });
  try {
    await db.query(`CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4`);
    await db.changeUser({ database });
    const result = await seedDemoDatabase(db, { users, transactions, reset: values.reset });
    logger.info(result.isSkipped ? 'seed.skipped' : 'seed.completed', { database, ...result });
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`db:seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
