import { keyRoleName } from '@fluxquery/mysql-source';
import { createTestDatabase, testServer, type TestDatabase } from '@fluxquery/testkit';
import type { RowDataPacket } from 'mysql2';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

// `fluxquery db reader` as an operator runs it: the built CLI, CLIENT_KEYS in the environment,
// ADMIN_MYSQL_DSN to make the account and its roles; then `fluxquery export` through them.
const CLI = path.join(__dirname, '../../apps/cli/dist/main.js');
const USER = `fq_dbr_${randomBytes(3).toString('hex')}`;
const PASSWORD = randomBytes(12).toString('hex');
let app: TestDatabase;
let billing: string;

beforeAll(async () => {
  app = await createTestDatabase('db_reader');
  billing = `${app.name}_billing`;
  await app.db.query('CREATE TABLE users (id INT PRIMARY KEY)');
  await app.db.query('INSERT INTO users VALUES (1), (2)');
  await app.db.query(`CREATE DATABASE \`${billing}\``);
  await app.db.query(`CREATE TABLE \`${billing}\`.invoices (id INT PRIMARY KEY)`);
  await app.db.query(`INSERT INTO \`${billing}\`.invoices VALUES (7)`);
});

afterAll(async () => {
  await app.db.query(`DROP USER IF EXISTS '${USER}'@'%'`);
  for (const keyId of ['default', 'alpha', 'beta', 'gamma']) {
    await app.db.query(`DROP ROLE IF EXISTS \`${keyRoleName(USER, keyId)}\``);
  }
  await app.db.query(`DROP DATABASE IF EXISTS \`${billing}\``);
  await app.drop();
});

function fluxquery(args: string[], clientKeys?: object[]) {
  const server = testServer();
  const run = spawnSync(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      APP_ENV: 'test',
      MYSQL_DSN: `mysql://${USER}:${PASSWORD}@${server.host}:${server.port}/${app.name}`,
      ADMIN_MYSQL_DSN: `mysql://${server.user}:${server.password}@${server.host}:${server.port}/${app.name}`,
      API_SECRET: 'devsecret',
      ...(clientKeys ? { CLIENT_KEYS: JSON.stringify(clientKeys) } : {}),
    },
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

const key = (keyId: string, schemas: string[]) => ({
  key_id: keyId,
  secrets: [`${keyId}-secret`],
  allowed_schemas: schemas,
});

async function grantsOf(account: string): Promise<string[]> {
  const [rows] = await app.db.query<RowDataPacket[]>({ sql: `SHOW GRANTS FOR ${account}`, rowsAsArray: true });
  return rows.map((row) => String((row as unknown[])[0]).replace(/ IDENTIFIED BY .*/, ''));
}

const roleOf = (keyId: string) => `\`${keyRoleName(USER, keyId)}\``;

describe('fluxquery db reader', () => {
  it('upgrades a reader with direct grants and API_SECRET alone: the default key then reads through its role', async () => {
    // The account as an earlier version made it: SELECT on the schema, no roles.
    await app.db.query(`CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await app.db.query(`GRANT SELECT ON \`${app.name}\`.* TO '${USER}'@'%'`);
    const run = fluxquery(['db', 'reader']);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toContain(`key default: role ${keyRoleName(USER, 'default')}, SELECT on ${app.name}`);
    const account = await grantsOf(`'${USER}'@'%'`);
    expect(account.filter((grant) => / ON /.test(grant) && !/GRANT USAGE ON/.test(grant))).toEqual([]);
    expect(account).toContain(`GRANT ${roleOf('default')} TO \`${USER}\`@\`%\``);
    expect(await grantsOf(roleOf('default'))).toContain(`GRANT SELECT ON \`${app.name}\`.* TO ${roleOf('default')}`);

    const exported = fluxquery(['export', '-q', 'SELECT id FROM users ORDER BY id', '-o', '-']);
    expect(exported.stderr).toMatch(
      new RegExp(`^reading as ${USER} with the role ${keyRoleName(USER, 'default')} of key default`),
    );
    expect(exported).toMatchObject({ code: 0, stdout: 'id\r\n1\r\n2\r\n' });
  });

  it('adds, changes and removes key roles as CLIENT_KEYS changes, and --print shows the plan first', async () => {
    expect(fluxquery(['db', 'reader'], [key('alpha', [app.name]), key('beta', [billing])]).code).toBe(0);
    expect(await grantsOf(roleOf('beta'))).toContain(`GRANT SELECT ON \`${billing}\`.* TO ${roleOf('beta')}`);
    const asBeta = fluxquery(
      ['export', '--key', 'beta', '-q', `SELECT id FROM \`${billing}\`.invoices`, '-o', '-'],
      [key('alpha', [app.name]), key('beta', [billing])],
    );
    expect(asBeta).toMatchObject({ code: 0, stdout: 'id\r\n7\r\n' });

    // alpha moves to billing, beta goes, gamma comes.
    const next = [key('alpha', [billing]), key('gamma', [app.name])];
    const plan = fluxquery(['db', 'reader', '--print'], next);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      `REVOKE ${roleOf('beta')} FROM '${USER}'@'%';\nDROP ROLE IF EXISTS ${roleOf('beta')};`,
    );
    expect(plan.stdout).toContain(`GRANT SELECT ON \`${billing}\`.* TO ${roleOf('alpha')};`);
    expect(plan.stdout).toContain("IDENTIFIED BY '<the password in MYSQL_DSN>'");
    expect(plan.stdout).not.toContain(PASSWORD);
    // --print changed nothing.
    expect(await grantsOf(roleOf('beta'))).toContain(`GRANT SELECT ON \`${billing}\`.* TO ${roleOf('beta')}`);

    expect(fluxquery(['db', 'reader'], next)).toMatchObject({ stderr: expect.stringMatching(/^the account/), code: 0 });
    const [roles] = await app.db.query<RowDataPacket[]>(
      'SELECT User FROM mysql.user WHERE User LIKE ? AND is_role = ?',
      [`${USER}\\_%`, 'Y'],
    );
    expect(roles.map((row) => String(row.User)).sort()).toEqual(
      ['alpha', 'default', 'gamma'].map((id) => keyRoleName(USER, id)).sort(),
    );
    expect(await grantsOf(roleOf('alpha'))).toEqual([
      `GRANT USAGE ON *.* TO ${roleOf('alpha')}`,
      `GRANT SELECT ON \`${billing}\`.* TO ${roleOf('alpha')}`,
    ]);
    const asAlpha = fluxquery(
      ['export', '--key', 'alpha', '-q', `SELECT id FROM \`${billing}\`.invoices`, '-o', '-'],
      next,
    );
    expect(asAlpha).toMatchObject({ code: 0, stdout: 'id\r\n7\r\n' });
    const oldSchema = fluxquery(
      ['export', '--key', 'alpha', '-q', `SELECT id FROM \`${app.name}\`.users`, '-o', '-'],
      next,
    );
    expect(oldSchema).toMatchObject({ code: 1, stderr: expect.stringMatching(/SCHEMA_NOT_ALLOWED/) });
  });
});
