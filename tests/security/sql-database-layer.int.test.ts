import { isAppError } from '@fluxquery/errors';
import { findExcessGrants, openExportQuery, valuesOf } from '@fluxquery/mysql-source';
import { testServer } from '@fluxquery/testkit';
import type { RowDataPacket } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { existsSync } from 'node:fs';
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

async function runAsReader(sql: string): Promise<{ outcome: DatabaseOutcome; detail: string; rows: unknown[][] }> {
  const rows: unknown[][] = [];
  const started = Date.now();
  try {
    const query = await openExportQuery({ connection: sec.reader, sql, timeoutMs: TIME_LIMIT_MS });
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

describe('the reader account', () => {
  it('holds SELECT on its one schema and nothing else, so the worker has nothing to warn about', async () => {
    expect(await findExcessGrants(sec.reader)).toEqual([]);
    expect(await findExcessGrants(testServer())).not.toEqual([]);
    const session = await createConnection(sec.reader);
    try {
      const [grants] = await session.query<RowDataPacket[]>({ sql: 'SHOW GRANTS', rowsAsArray: true });
      expect(grants.map((row) => String((row as unknown[])[0])).join('\n')).toMatch(/MAX_USER_CONNECTIONS 4/);
    } finally {
      await session.end();
    }
  });
});
