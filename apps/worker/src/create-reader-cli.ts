import { loadConfig, longestTimeoutMs } from '@fluxquery/config';
import { createReaderAccount, readerAccountStatements } from '@fluxquery/mysql-source';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * `pnpm db:reader [--print] [--host %] [--max-connections N]`: makes the account MYSQL_DSN names
 * into a read-only one (SELECT on every schema some client key may read, nothing else, a
 * connection cap), using ADMIN_MYSQL_DSN. --print shows the statements instead of running them.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      print: { type: 'boolean', default: false },
      host: { type: 'string', default: '%' },
      'max-connections': { type: 'string' },
    },
  });
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const account = {
    user: config.mysql.user,
    host: values.host,
    password: config.mysql.password,
    schemas: [...new Set([config.mysql.database, ...config.clients.flatMap((c) => c.allowedSchemas)])],
    // Each export holds one session, and a cancelled one briefly opens a second for KILL QUERY.
    maxConnections: Number(values['max-connections'] ?? config.maxDbConcurrency * 2 + 2),
    maxStatementSeconds: Math.ceil(longestTimeoutMs(config) / 1000),
  };
  // The statements revoke everything else the account has: never point them at an administrator.
  if (account.user === config.adminMysql?.user || account.user === 'root') {
    throw new Error(`MYSQL_DSN names ${account.user}, an administrator; give the exports an account of their own`);
  }
  if (values.print) {
    for (const [sql, params] of readerAccountStatements(account, true)) {
      process.stdout.write(`${params.length > 0 ? sql.replace('?', "'<the password in MYSQL_DSN>'") : sql};\n`);
    }
    return;
  }
  if (!config.adminMysql) throw new Error('ADMIN_MYSQL_DSN is not set: it names the account that may create users');
  const { database: _database, ...admin } = config.adminMysql;
  await createReaderAccount(admin, account);
  process.stdout.write(
    `the account ${account.user}@${account.host} may now SELECT on ${account.schemas.join(', ')} and nothing else\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`db:reader failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
