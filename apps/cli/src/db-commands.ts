import { longestTimeoutMs, type Config } from '@fluxquery/config';
import { seedDemoDatabase } from '@fluxquery/demo-db';
import {
  createReaderAccount,
  keyRoleName,
  planReaderAccount,
  readerAccountStatements,
  withoutDatabase,
  type ReaderAccount,
} from '@fluxquery/mysql-source';
import { InvalidArgumentError, type Command } from 'commander';
import { createConnection } from 'mysql2/promise';

const wholeNumber = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('a whole number');
  return number;
};

/** `fluxquery db seed` and `fluxquery db reader`: the demo data, and the SELECT-only account. */
// eslint-disable-next-line max-lines-per-function -- commander's declarations of the db commands, one option per line; each action is a call
export function addDbCommands(program: Command, loadConfig: () => Readonly<Config>): void {
  const db = program.command('db').description('the demo database and the read-only export account');

  db.command('seed')
    .description("create MYSQL_DSN's database if needed and fill it with demo users and transactions")
    .option('--users <n>', 'users to create', wholeNumber, 1000)
    .option('--transactions <n>', 'transactions to create (default: 3 per user)', wholeNumber)
    .option('--reset', 'drop and re-create the demo tables first', false)
    .action(async (options: { users: number; transactions?: number; reset: boolean }) => {
      const config = loadConfig();
      // The admin account when one is set: the export account (MYSQL_DSN) may only read.
      const { database } = config.mysql;
      const { database: _adminDatabase, ...server } = config.adminMysql ?? config.mysql;
      const connection = await createConnection({ ...server, multipleStatements: false });
      try {
        await connection.query(
          `CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4`,
        );
        await connection.changeUser({ database });
        const result = await seedDemoDatabase(connection, {
          users: options.users,
          transactions: options.transactions ?? options.users * 3,
          reset: options.reset,
        });
        process.stderr.write(
          result.isSkipped
            ? `${database} already holds the demo data (--reset to re-create it)\n`
            : `${database}: ${result.users} users and ${result.transactions} transactions in ${result.ms} ms\n`,
        );
      } finally {
        await connection.end();
      }
    });

  db.command('reader')
    .description(
      "make the account in MYSQL_DSN an export reader: no privileges of its own, one role per client key with SELECT on that key's schemas (ADMIN_MYSQL_DSN runs it)",
    )
    .option('--print', 'print the statements instead of running them', false)
    .option('--host <host>', "the account's host part", '%')
    .option('--max-connections <n>', 'connection cap (default: MAX_DB_CONCURRENCY × 2 + 2)', wholeNumber)
    .action(async (options: { print: boolean; host: string; maxConnections?: number }) => {
      const config = loadConfig();
      const account: ReaderAccount = {
        user: config.mysql.user,
        host: options.host,
        password: config.mysql.password,
        keys: config.clients.map((client) => ({ keyId: client.keyId, schemas: client.allowedSchemas })),
        grants: config.mysqlKeyRoles ? 'roles' : 'direct',
        // Each export holds one session, and a cancelled one briefly opens a second for KILL QUERY.
        maxConnections: options.maxConnections ?? config.maxDbConcurrency * 2 + 2,
        maxStatementSeconds: Math.ceil(longestTimeoutMs(config) / 1000),
      };
      // The statements revoke everything else the account has: never point them at an administrator.
      if (account.user === config.adminMysql?.user || account.user === 'root') {
        throw new Error(`MYSQL_DSN names ${account.user}, an administrator; give the exports an account of their own`);
      }
      const admin = config.adminMysql && withoutDatabase(config.adminMysql);
      if (options.print) {
        // With an administrator's account the plan includes the roles of keys no longer listed.
        const statements = admin ? await planReaderAccount(admin, account) : readerAccountStatements(account, true);
        if (!admin) process.stdout.write('-- without ADMIN_MYSQL_DSN: roles of removed keys are not listed here\n');
        for (const [sql, params] of statements) {
          process.stdout.write(`${params.length > 0 ? sql.replace('?', "'<the password in MYSQL_DSN>'") : sql};\n`);
        }
        return;
      }
      if (!admin) throw new Error('ADMIN_MYSQL_DSN is not set: it names the account that may create users');
      await createReaderAccount(admin, account);
      process.stderr.write(`${describeReader(account)}\n`);
    });
}

/** What the account may now read, key by key. */
function describeReader(account: ReaderAccount): string {
  const who = `${account.user}@${account.host}`;
  if (account.grants === 'direct') {
    const schemas = [...new Set(account.keys.flatMap((key) => key.schemas))];
    return `the account ${who} may now SELECT on ${schemas.join(', ')} and nothing else (no key roles: MYSQL_KEY_ROLES=false)`;
  }
  const lines = account.keys.map(
    (key) => `  key ${key.keyId}: role ${keyRoleName(account.user, key.keyId)}, SELECT on ${key.schemas.join(', ')}`,
  );
  return [`the account ${who} holds no privileges of its own, and one role per key:`, ...lines].join('\n');
}
