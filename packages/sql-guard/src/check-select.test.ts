import { checkSelectQuery } from './check-select';

describe('checkSelectQuery', () => {
  it.each([
    'SELECT * FROM users LIMIT 10',
    'select id, name from users where deleted_at is null;',
    "SELECT id FROM users WHERE note = 'DROP TABLE users'",
    'SELECT 1 UNION SELECT 2',
    'WITH recent AS (SELECT * FROM transactions) SELECT user_id, SUM(amount) FROM recent GROUP BY user_id',
    'SELECT id, ROW_NUMBER() OVER (ORDER BY score DESC) AS rank_no FROM users',
    '-- the weekly report\nSELECT id FROM users /* plain comment */',
  ])('lets %s through', (sql) => {
    expect(() => checkSelectQuery(sql)).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['DELETE FROM users', /only SELECT.*DELETE/],
    ['UPDATE users SET name = 1', /only SELECT.*UPDATE/],
    ['DROP TABLE users', /only SELECT/],
    ['SELECT 1; DROP TABLE users', /exactly one statement/],
    ['SELECT 1; SELECT 2', /exactly one statement/],
    ['SELECT 1 /*!, SLEEP(3) */', /executable comments/],
    ['SELECT /*+ MAX_EXECUTION_TIME(1) */ 1', /executable comments/],
    ["SELECT * INTO OUTFILE '/tmp/x' FROM users", /INTO OUTFILE/],
    ['SELECT * FROM users FOR UPDATE', /locking reads/],
    ['SELEKT * FROM users', /could not be parsed/],
    ['SELECT 1\u0000', /NUL/],
  ])('refuses %j', (sql, message) => {
    expect(() => checkSelectQuery(sql)).toThrow(
      expect.objectContaining({ code: 'INVALID_QUERY', message: expect.stringMatching(message) }),
    );
  });
});

describe('a text checked before', () => {
  it('is refused again, with the same reason', () => {
    const sql = 'SELECT 1 /*!, SLEEP(3) */';
    for (let i = 0; i < 3; i += 1) {
      expect(() => checkSelectQuery(sql)).toThrow(
        expect.objectContaining({ message: expect.stringMatching(/executable comments/) }),
      );
    }
  });

  it('still meets each key’s schemas: a text one key may run stays refused for a key without its schema', () => {
    const sql = 'SELECT * FROM billing.invoices';
    expect(() => checkSelectQuery(sql, { allowedSchemas: ['billing'] })).not.toThrow();
    expect(() => checkSelectQuery(sql, { allowedSchemas: ['app'] })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_NOT_ALLOWED' }),
    );
    expect(() =>
      checkSelectQuery('SELECT * FROM invoices', { defaultSchema: 'app', allowedSchemas: ['billing'] }),
    ).toThrow(expect.objectContaining({ code: 'SCHEMA_NOT_ALLOWED' }));
  });
});

describe('deep queries', () => {
  it('checks a long chain of terms without overflowing the stack, and still sees a forbidden call at its end', () => {
    // 12,000 terms parse into a chain 12,000 nodes deep: a recursive walk overflowed here.
    const chain = `SELECT 1${' + 1'.repeat(12_000)}`;
    expect(() => checkSelectQuery(chain)).not.toThrow();
    expect(() => checkSelectQuery(`${chain} + SLEEP(1)`)).toThrow(
      expect.objectContaining({ code: 'INVALID_QUERY', message: expect.stringMatching(/SLEEP/) }),
    );
  });

  it.each([
    ['nested subqueries', `SELECT * FROM t WHERE ${'a IN (SELECT a FROM t WHERE '.repeat(2_000)}1${')'.repeat(2_000)}`],
    ['nested parentheses', `SELECT ${'('.repeat(20_000)}1${')'.repeat(20_000)}`],
  ])('refuses %s too deep for the parser with a 400, never an internal error', (_case, sql) => {
    expect(() => checkSelectQuery(sql)).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });
});
