import { createConnection, type RowDataPacket } from 'mysql2';
import type { AppError } from '@fluxquery/errors';
import { createTestDatabase, testServer, type TestDatabase } from '@fluxquery/testkit';
import { toQueryError } from './mysql-errors';
import { openExportQuery, type ExportQueryOptions } from './open-export-query';
import { keyRoleName } from './key-roles';
import { createReaderAccount } from './reader-account';
import { valuesOf, type RawRow } from './row-parser';
import { createSessionPool, type SessionPool } from './session-pool';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase('mysql_source');
  await testDb.db.query(`CREATE TABLE items (
    id BIGINT UNSIGNED PRIMARY KEY, price DECIMAL(30,10), qty INT, ratio DOUBLE, label VARCHAR(50),
    made DATE, seen DATETIME(3), stamp TIMESTAMP NULL, took TIME, yr YEAR, doc JSON, raw VARBINARY(8), bits BIT(10))`);
  await testDb.db.query(`INSERT INTO items VALUES
    (18446744073709551615, 12345678901234567890.0123456789, -5, 0.1, 'Zoë, "q"', '2026-02-28', '2026-02-28 23:59:59.123', '2026-01-01 12:00:00', '-838:59:59', 2026, '{"a": [1, 2.50]}', x'00ff', b'1000000001'),
    (9007199254740993, NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  await testDb.db.query('CREATE TABLE numbers (n INT PRIMARY KEY)');
  await testDb.db.query('INSERT INTO numbers SELECT seq FROM seq_1_to_50000');
});

afterAll(async () => testDb.drop());

const options = (sql: string, extra: Partial<ExportQueryOptions> = {}): ExportQueryOptions => ({
  connection: testDb.connection,
  sql,
  timeoutMs: 10_000,
  ...extra,
});

async function readAll(batches: AsyncIterable<RawRow[]>): Promise<(Buffer | null)[][]> {
  const rows: (Buffer | null)[][] = [];
  for await (const batch of batches) rows.push(...batch.map(valuesOf));
  return rows;
}

describe('openExportQuery', () => {
  it('gives column kinds from metadata and every value exactly as MariaDB holds it', async () => {
    const query = await openExportQuery(options('SELECT * FROM items ORDER BY id DESC'));
    expect(query.columns.map((c) => [c.name, c.kind])).toEqual([
      ['id', 'integer'],
      ['price', 'decimal'],
      ['qty', 'integer'],
      ['ratio', 'float'],
      ['label', 'text'],
      ['made', 'date'],
      ['seen', 'datetime'],
      ['stamp', 'timestamp'],
      ['took', 'time'],
      ['yr', 'year'],
      ['doc', 'json'],
      ['raw', 'binary'],
      ['bits', 'bit'],
    ]);
    expect(
      Object.fromEntries(query.columns.filter((c) => c.digits !== undefined).map((c) => [c.name, c.digits])),
    ).toEqual({
      id: 20,
      price: 30,
      qty: 10,
      bits: 4,
    });
    // Every value is the server's own bytes; shown here as text, except binary and BIT.
    const rows = (await readAll(query.batches)).map((row) =>
      row.map((value, i) => (Buffer.isBuffer(value) && i < 11 ? value.toString('utf8') : value)),
    );
    expect(rows[0]).toEqual([
      '18446744073709551615',
      '12345678901234567890.0123456789',
      '-5',
      '0.1',
      'Zoë, "q"',
      '2026-02-28',
      '2026-02-28 23:59:59.123',
      '2026-01-01 12:00:00',
      '-838:59:59',
      '2026',
      '{"a": [1, 2.50]}',
      Buffer.from([0, 255]),
      Buffer.from([0b10, 0b00000001]),
    ]);
    expect(rows[1]?.slice(0, 5)).toEqual(['9007199254740993', null, null, null, '']);
  });

  it('reads values of every length encoding, and rows larger than a socket read, byte for byte', async () => {
    // Lengths under 251 take one byte, then 2 (0xFC), 3 (0xFD) bytes; a 3 MB row spans many
    // socket chunks, which mysql2 joins into one packet.
    const sql =
      "SELECT '' AS e, NULL AS n, REPEAT('a', 250) AS one, REPEAT('b', 251) AS two, " +
      "REPEAT('c', 70000) AS three, REPEAT('é', 1500000) AS big, 'tail' AS t";
    const [row] = await readAll((await openExportQuery(options(sql))).batches);
    expect(row?.map((value) => value?.toString('utf8') ?? null)).toEqual([
      '',
      null,
      'a'.repeat(250),
      'b'.repeat(251),
      'c'.repeat(70_000),
      'é'.repeat(1_500_000),
      'tail',
    ]);
  });

  it('refuses a statement that returns no result set (the guard would have stopped it first)', async () => {
    await expect(openExportQuery(options('DO 1'))).rejects.toMatchObject({
      code: 'QUERY_FAILED',
      message: expect.stringContaining('no result set') as unknown,
    });
  });

  it('runs in a read-only transaction with the time limit set for the session', async () => {
    const query = await openExportQuery(
      options(
        'SELECT @@session.tx_read_only AS ro, @@session.max_statement_time AS limit_s, @@session.time_zone AS tz',
        { timeoutMs: 90_000 },
      ),
    );
    expect(await readAll(query.batches)).toEqual([[Buffer.from('1'), Buffer.from('90.000000'), Buffer.from('+00:00')]]);
  });

  it('sends only its settings, the EXPLAIN and the SELECT: the server version comes from the handshake', async () => {
    // Questions counts the statements this session's client sent, the running one included.
    const query = await openExportQuery(
      options("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'QUESTIONS'"),
    );
    expect(await readAll(query.batches)).toEqual([[Buffer.from('3')]]);
  });

  it('refuses a write smuggled in through a stored function, leaving the data untouched', async () => {
    await testDb.db.query('CREATE TABLE audit (note VARCHAR(20))');
    await testDb.db.query(
      "CREATE FUNCTION sneaky_write() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO audit VALUES ('written'); RETURN 1; END",
    );
    const attempt = openExportQuery(options('SELECT sneaky_write()')).then((q) => readAll(q.batches));
    await expect(attempt).rejects.toMatchObject({ code: 'QUERY_FAILED', message: expect.stringMatching(/READ ONLY/i) });
    const [rows] = await testDb.db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM audit');
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('reports a missing table as a permanent QUERY_FAILED with MySQL’s own message', async () => {
    await expect(openExportQuery(options('SELECT * FROM no_such_table'))).rejects.toMatchObject({
      code: 'QUERY_FAILED',
      retryable: false,
      message: expect.stringMatching(/no_such_table' doesn't exist/),
    });
  });

  it('gives EXPLAIN\u2019s row estimate where the plan has one, and none for a UNION', async () => {
    const scan = await openExportQuery(options('SELECT * FROM numbers'));
    await readAll(scan.batches);
    expect(scan.estimatedRows).toBeGreaterThan(40_000);
    expect(scan.estimatedRows).toBeLessThan(60_000);
    const union = await openExportQuery(options('SELECT n FROM numbers UNION ALL SELECT n FROM numbers'));
    await readAll(union.batches);
    expect(union.estimatedRows).toBeUndefined();
  });

  it('keeps the table in a permission error, but not the export account or its host', async () => {
    const reader = { ...testDb.connection, user: `fq_e_${Date.now() % 1e6}`, password: 'reader-password-1' };
    const keys = [{ keyId: 'default', schemas: [testDb.name] }];
    await createReaderAccount(testServer(), { ...reader, host: '%', keys, maxConnections: 2 });
    try {
      const attempt = openExportQuery({
        ...options('SELECT * FROM mysql.user'),
        connection: reader,
        access: { role: keyRoleName(reader.user, 'default'), database: testDb.name },
      });
      const error = (await attempt.then((q) => readAll(q.batches)).catch((e: unknown) => e)) as AppError;
      expect(error).toMatchObject({ code: 'QUERY_FAILED', retryable: false });
      expect(error.message).toMatch(/^MySQL error 1142: SELECT command denied for table `mysql`.`user`$/);
      expect(error.message).not.toContain(reader.user);
      expect(error.message).not.toMatch(/@|localhost|127\.0\.0\.1/);
    } finally {
      await testDb.db.query(`DROP USER IF EXISTS '${reader.user}'@'%'`);
      await testDb.db.query(`DROP ROLE IF EXISTS \`${keyRoleName(reader.user, 'default')}\``);
    }
  });

  it.each([
    [
      1436,
      "Thread stack overrun:  260128 bytes used of a 262144 byte stack, and 1136 bytes needed.  Use 'mysqld --thread_stack=#' to specify a bigger stack",
      'QUERY_FAILED',
      /nested too deeply/,
    ],
    [
      1226,
      "User 'fq_reader' has exceeded the 'max_user_connections' resource (current value: 20)",
      'DATABASE_UNAVAILABLE',
      /connection limit/,
    ],
    [
      1064,
      "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'FORM t' at line 1",
      'QUERY_FAILED',
      /near 'FORM t' at line 1/,
    ],
  ])('words server error %d for the caller', (errno, sqlMessage, code, message) => {
    const error = toQueryError(Object.assign(new Error(sqlMessage), { errno, sqlMessage }), 10_000);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(error.message).not.toMatch(/fq_reader|thread_stack|262144/);
  });

  it('stops a query that outlives its time limit with QUERY_TIMEOUT', async () => {
    const started = Date.now();
    const query = openExportQuery(options('SELECT SLEEP(5)', { timeoutMs: 1_000 }));
    await expect(query.then((q) => readAll(q.batches))).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('reports an unreachable server as retryable DATABASE_UNAVAILABLE', async () => {
    await expect(
      openExportQuery({ ...options('SELECT 1'), connection: { ...testDb.connection, port: 1 } }),
    ).rejects.toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      retryable: true,
    });
  });

  it('streams every row in batches and pauses the socket while the consumer is slow', async () => {
    const query = await openExportQuery(options('SELECT n FROM numbers ORDER BY n'));
    let count = 0;
    let largest = 0;
    let isOrdered = true;
    const kept: RawRow[] = [];
    for await (const batch of query.batches) {
      largest = Math.max(largest, batch.length);
      for (const row of batch) isOrdered &&= Number(String(valuesOf(row)[0])) === ++count;
      kept.push(...batch);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(count).toBe(50_000);
    expect(isOrdered).toBe(true);
    // Rows are ranges of the server's packets, never copied: held to the end, they still read the same.
    expect(kept.every((row, i) => String(valuesOf(row)[0]) === String(i + 1))).toBe(true);
    expect(largest).toBeGreaterThan(1);
    // The buffer is capped near the high-water mark (plus what was already in flight), never the whole result.
    expect(largest).toBeLessThan(10_000);
  });

  it('drops the session when the consumer stops early', async () => {
    const query = await openExportQuery(options('SELECT n FROM numbers'));
    for await (const batch of query.batches) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    await query.close();
    // The server notices the dropped socket on its next write; it must not keep the query running.
    await testDb.waitUntilNoQuery('SELECT n FROM numbers');
  });

  it('stops at once when its signal aborts, with CANCELLED', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    // MariaDB buffers even the column metadata until ~16 KB of rows are ready, so the cancel may
    // land before or after the rows start: either way it must end the export at once.
    const run = openExportQuery(options('SELECT n, SLEEP(0.01) FROM numbers', { signal: controller.signal }));
    await expect(run.then((query) => readAll(query.batches))).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('kept sessions (a worker’s session pool)', () => {
  const STATE =
    "SELECT CONNECTION_ID(), @secret, IS_USED_LOCK('fq_pool_lock'), @@tx_read_only, @@max_statement_time, @@time_zone, @@character_set_results, @@collation_connection";
  const text = async (sql: string, extra: Partial<ExportQueryOptions>) =>
    (await readAll((await openExportQuery(options(sql, extra))).batches))[0]!.map((value) => value?.toString() ?? null);
  const connectionIds = async (sessions: SessionPool, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push((await text('SELECT CONNECTION_ID()', { sessions }))[0]!);
    return ids;
  };

  it('reuses a finished export’s session, reset: nothing of the last export remains, and its settings are set again', async () => {
    const sessions = createSessionPool(testDb.connection, { maxIdle: 1 });
    try {
      // The last export leaves a user variable and a named lock, and ran with another time limit.
      const [id] = await text(
        "SELECT CONNECTION_ID(), @secret := 'from the last export', GET_LOCK('fq_pool_lock', 0)",
        {
          sessions,
          timeoutMs: 5_000,
        },
      );
      const state = await text(STATE, { sessions, timeoutMs: 90_000 });
      expect(state).toEqual([id, null, null, '1', '90.000000', '+00:00', 'utf8mb4', 'utf8mb4_general_ci']);
    } finally {
      sessions.close();
    }
  });

  it('keeps no session whose export did not read to the end, nor one beyond its maximum', async () => {
    const sessions = createSessionPool(testDb.connection, { maxIdle: 1 });
    try {
      const [first] = await connectionIds(sessions, 1);
      const stopped = await openExportQuery(options('SELECT n FROM numbers', { sessions }));
      for await (const batch of stopped.batches) {
        expect(batch.length).toBeGreaterThan(0);
        break;
      }
      // The stopped export had the kept session; it is dropped, so the next one is new.
      const [next] = await connectionIds(sessions, 1);
      expect(next).not.toBe(first);
      // Two at once, then both finished: one is kept, the other ended.
      const [a, b] = await Promise.all([
        openExportQuery(options('SELECT CONNECTION_ID()', { sessions })),
        openExportQuery(options('SELECT CONNECTION_ID()', { sessions })),
      ]);
      const ids = [String((await readAll(a.batches))[0]![0]), String((await readAll(b.batches))[0]![0])];
      expect(ids).toContain(next);
      const [after] = await connectionIds(sessions, 1);
      expect(ids).toContain(after);
      await testDb.waitUntilNoConnection(Number(ids.find((id) => id !== after)));
    } finally {
      sessions.close();
    }
  });

  it('replaces a kept session that died before the pool noticed', async () => {
    const dead = createConnection(testDb.connection);
    await new Promise<void>((resolve, reject) => dead.connect((error) => (error ? reject(error) : resolve())));
    dead.destroy();
    const sessions: SessionPool = {
      connection: testDb.connection,
      take: () => dead,
      keep: (connection) => connection.destroy(),
      close: () => undefined,
    };
    expect(await text('SELECT 1 + 1', { sessions })).toEqual(['2']);
  });

  it('opens a new session when the kept one was closed by the server, or stayed idle too long', async () => {
    const sessions = createSessionPool(testDb.connection, { maxIdle: 1, idleMs: 300 });
    try {
      const [first] = await connectionIds(sessions, 1);
      await testDb.db.query(`KILL ${Number(first)}`);
      const [second] = await connectionIds(sessions, 1);
      expect(second).not.toBe(first);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await testDb.waitUntilNoConnection(Number(second));
      const [third] = await connectionIds(sessions, 1);
      expect(third).not.toBe(second);
    } finally {
      sessions.close();
    }
  });
});
