import { isAppError } from '@fluxquery/errors';
import { createSessionPool, findAccountGrants, keyRoleName, openExportQuery, valuesOf } from '@fluxquery/mysql-source';
import { testServer } from '@fluxquery/testkit';
import type { RowDataPacket } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { existsSync } from 'node:fs';
import { checkSelectQuery } from '@fluxquery/sql-guard';
import { queryShapes } from './query-shapes';
import { createSecurityDatabase, type SecurityDatabase } from './security-database';
import { ATTACKS, LEGIT, type DatabaseOutcome } from './sql-corpus';

// The layers behind the guard, on their own: every attack goes straight to the real read-only
// account and the worker's real session (read-only transaction, 2 s time limit) with the
// validator bypassed. A grant too many, or a session setting lost, changes an outcome here.
let sec: SecurityDatabase;
beforeAll(async () => {
  sec = await createSecurityDatabase('sqlsec');
});
afterAll(async () => {
  await sec.drop();
});

const TIME_LIMIT_MS = 2_000;

async function runAsReader(
  sql: string,
  keyId = 'default',
): Promise<{ outcome: DatabaseOutcome; detail: string; rows: unknown[][] }> {
  const rows: unknown[][] = [];
  const started = Date.now();
  try {
    const query = await openExportQuery({
      connection: sec.reader,
      sql,
      timeoutMs: TIME_LIMIT_MS,
      access: sec.accessFor(keyId),
    });
    for await (const batch of query.batches) rows.push(...batch.map(valuesOf));
  } catch (error) {
    const detail = isAppError(error) ? `${error.code}: ${error.message}` : String(error);
    const isStopped = (isAppError(error) && error.code === 'QUERY_TIMEOUT') || Date.now() - started >= TIME_LIMIT_MS;
    return { outcome: isStopped ? 'stopped' : 'refused', detail, rows };
  }
  // SLEEP and BENCHMARK cut short by max_statement_time return a value instead of an error.
  if (Date.now() - started >= TIME_LIMIT_MS) return { outcome: 'stopped', detail: 'ran into the time limit', rows };
  const values = rows.flat();
  const isAllNull = values.length > 0 && values.every((v) => v === null);
  return { outcome: isAllNull ? 'null' : 'runs', detail: `${rows.length} rows`, rows };
}

describe('the database layers with the SQL guard bypassed', () => {
  it.each(ATTACKS.map((a) => [a.sql, a.database] as const))('%s: %s', async (sql, expected) => {
    const result = await runAsReader(sec.fill(sql));
    // The detail (the server's error, or the row count) shows in the failure message.
    expect(`${result.outcome} (${result.detail})`).toMatch(new RegExp(`^${expected} `));
  });

  it('was left unchanged by every attack: no rows lost, no file written', async () => {
    const [rows] = await sec.test.db.query('SELECT COUNT(*) AS n FROM users');
    expect(rows).toEqual([{ n: '3' }]);
    for (const file of ['/tmp/fq-out.csv', '/tmp/fq-out2.csv', '/tmp/fq-out3.csv', '/tmp/fq-out4.csv', '/tmp/fq-dump'])
      expect(existsSync(file)).toBe(false);
  });
});

describe('legitimate queries through the read-only account', () => {
  it.each(LEGIT.map((l) => [l.covers, l.sql] as const))('%s: runs and returns rows', async (_covers, sql) => {
    const result = await runAsReader(sec.fill(sql));
    expect(result.detail).toMatch(/rows$/);
    expect(result.rows.length).toBeGreaterThan(0);
  });
});

describe("each key's role, with the guard bypassed", () => {
  // One reader account serves two clients: `default` may read the test database, `other` its own
  // schema. Whatever shape hides a table from the guard, the server refuses the other's schema.
  const keys = () => [
    { keyId: 'default', own: `\`${sec.test.name}\`.users`, foreign: `\`${sec.other}\`.payroll` },
    { keyId: 'other', own: `\`${sec.other}\`.payroll`, foreign: `\`${sec.test.name}\`.users` },
  ];
  const shapes = [
    (t: string) => `SELECT * FROM ${t}`,
    (t: string) => `SELECT * FROM (${t}, (SELECT 1) AS one)`,
    (t: string) => `SELECT * FROM (SELECT 1 AS x) AS a JOIN (${t} JOIN (SELECT 2 AS y) AS b ON 1) ON 1`,
    (t: string) => `SELECT 1 UNION ALL (SELECT 2 UNION SELECT id FROM ${t})`,
    (t: string) => `WITH c AS (SELECT * FROM ${t}) SELECT * FROM c`,
    (t: string) => `SELECT (SELECT COUNT(*) FROM ${t}) AS n`,
  ];

  it.each(['default', 'other'])('key %s reads its own schema in every shape', async (keyId) => {
    const key = keys().find((k) => k.keyId === keyId)!;
    for (const shape of shapes) {
      const result = await runAsReader(shape(key.own), keyId);
      expect(`${shape(key.own)}: ${result.detail}`).toMatch(/rows$/);
    }
  });

  it.each(['default', 'other'])(
    "key %s gets the server's own access error for the other key's schema, in every shape",
    async (keyId) => {
      const key = keys().find((k) => k.keyId === keyId)!;
      for (const shape of shapes) {
        const result = await runAsReader(shape(key.foreign), keyId);
        expect(`${shape(key.foreign)}: ${result.detail}`).toMatch(
          /QUERY_FAILED: MySQL error 1142: SELECT command denied/,
        );
        expect(result.rows).toEqual([]);
      }
    },
  );

  it('refuses a key whose role does not exist, naming the fix', async () => {
    const result = await runAsReader('SELECT 1', 'no-such-key');
    expect(result.detail).toMatch(/role does not exist or is not granted.*fluxquery db reader/);
  });

  it('reads nothing at all without a role: the account holds no privileges of its own', async () => {
    const query = openExportQuery({
      connection: { ...sec.reader, database: '' },
      sql: `SELECT * FROM \`${sec.test.name}\`.users`,
      timeoutMs: TIME_LIMIT_MS,
    });
    await expect(
      query.then(async (q) => {
        for await (const _ of q.batches);
      }),
    ).rejects.toMatchObject({
      code: 'QUERY_FAILED',
      message: expect.stringMatching(/SELECT command denied/),
    });
  });

  it("drops a kept session's role, so that the next export on it starts with none", async () => {
    const sessions = createSessionPool(sec.reader, { maxIdle: 1 });
    try {
      const run = async (sql: string, keyId: string): Promise<string[]> => {
        const query = await openExportQuery({
          connection: sec.reader,
          sql,
          timeoutMs: TIME_LIMIT_MS,
          sessions,
          access: sec.accessFor(keyId),
        });
        const values: string[] = [];
        for await (const batch of query.batches) values.push(...batch.flatMap(valuesOf).map((v) => String(v)));
        return values;
      };
      const [first] = await run('SELECT CONNECTION_ID()', 'other');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const kept = sessions.take();
      expect(kept).toBeDefined();
      const [row] = await kept!.promise().query<RowDataPacket[]>('SELECT CURRENT_ROLE() AS r, CONNECTION_ID() AS id');
      expect(row).toEqual([[null, Number(first)]]);
      kept!.destroy();
    } finally {
      sessions.close();
    }
  });
});

describe('generated query shapes on the real server', () => {
  // tests/security/query-shapes.ts: every FROM shape under one query shape. The guard accepts each
  // around the key's own table, and each exports exactly what MariaDB returns to an administrator;
  // around the other key's table, with the guard bypassed, the server refuses each.
  const rowsOf = async (sql: string, keyId = 'default'): Promise<string> => {
    const result = await runAsReader(sql, keyId);
    return `${result.detail}: ${JSON.stringify(result.rows.map((row) => row.map((v) => String(v))))}`;
  };

  it("accepts and runs every shape around the key's own table, with MariaDB's own rows", async () => {
    const mismatches: string[] = [];
    for (const sql of queryShapes(`\`${sec.test.name}\`.users`, 1)) {
      checkSelectQuery(sql, { defaultSchema: sec.test.name, allowedSchemas: [sec.test.name] });
      const [expected] = await sec.test.db.query({ sql, rowsAsArray: true });
      const want = `${(expected as unknown[][]).length} rows: ${JSON.stringify((expected as unknown[][]).map((row) => row.map((v) => String(v))))}`;
      const got = await rowsOf(sql);
      if (got !== want) mismatches.push(`${sql}\n  got ${got}\n  want ${want}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("gets the server's refusal for every shape around the other key's table", async () => {
    const leaks: string[] = [];
    for (const sql of queryShapes(`\`${sec.other}\`.payroll`, 1)) {
      const result = await runAsReader(sql);
      if (!/SELECT command denied/.test(result.detail)) leaks.push(`${sql}: ${result.detail}`);
    }
    expect(leaks).toEqual([]);
  });
});

describe('the reader account', () => {
  it('holds no privileges of its own and a role per key, so the worker has nothing to warn about', async () => {
    const grants = await findAccountGrants(sec.reader);
    expect(grants.excess).toEqual([]);
    expect(grants.roles.sort()).toEqual(
      [keyRoleName(sec.reader.user, 'default'), keyRoleName(sec.reader.user, 'other')].sort(),
    );
    expect((await findAccountGrants(testServer())).excess).not.toEqual([]);
    const session = await createConnection({ ...sec.reader, database: undefined });
    try {
      const [grants] = await session.query<RowDataPacket[]>({ sql: 'SHOW GRANTS', rowsAsArray: true });
      const text = grants.map((row) => String((row as unknown[])[0])).join('\n');
      expect(text).toMatch(/MAX_USER_CONNECTIONS 4/);
      expect(text).not.toMatch(/GRANT SELECT ON/);
    } finally {
      await session.end();
    }
  });
});
