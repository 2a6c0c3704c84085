import { checkAst } from './ast-check';
import { MAX_QUERY_LENGTH } from '@fluxquery/request-rules';
import { checkSelectQuery } from './check-select';
import { checkLexical, MAX_NESTING } from './lexical-check';
import { FORBIDDEN_FUNCTIONS, SYSTEM_SCHEMAS } from './rules';

// Each defence of the guard, stated on its own, so that removing one makes a test fail (pnpm
// test:mutation). Where both layers check the same thing, each layer is tested alone.
const codeOf = (sql: string, policy = {}): string => {
  try {
    checkSelectQuery(sql, policy);
    return 'OK';
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
};

describe('every forbidden function', () => {
  it.each([...FORBIDDEN_FUNCTIONS.keys()])('%s() is refused by each layer, with its reason', (name) => {
    const reason = FORBIDDEN_FUNCTIONS.get(name) ?? '';
    const sql = `SELECT ${name.toLowerCase()}(1) FROM t`;
    expect(checkLexical(sql)).toEqual({ ok: false, reason: `${name}() is not allowed: ${reason}` });
    expect(checkAst(sql)).toEqual({ ok: false, reason: `${name}() is not allowed: ${reason}` });
    // A column of that name is no call.
    expect(codeOf(`SELECT \`${name.toLowerCase()}\` FROM t`)).toBe('OK');
  });

  it('refuses CURRENT_USER and CURRENT_ROLE without parentheses, which MariaDB calls anyway', () => {
    expect(codeOf('SELECT CURRENT_USER')).toMatch(/^INVALID_QUERY: CURRENT_USER is not allowed: it describes/);
    expect(codeOf('SELECT current_role')).toMatch(/^INVALID_QUERY: CURRENT_ROLE is not allowed/);
  });

  it('refuses a stored function, schema-qualified, in the parse layer', () => {
    expect(checkAst('SELECT app.leak(1)')).toEqual({
      ok: false,
      reason: 'stored functions (schema.function()) are not allowed',
    });
  });
});

describe('every system schema', () => {
  it.each([...SYSTEM_SCHEMAS])('%s is refused by each layer, in any case', (schema) => {
    const sql = `SELECT * FROM ${schema.toUpperCase()}.t`;
    expect(checkLexical(sql)).toEqual({ ok: false, reason: `the system schema ${schema} cannot be exported` });
    expect(checkAst(sql)).toEqual({ ok: false, reason: `the system schema ${schema} cannot be exported` });
    expect(checkAst(`SELECT * FROM app.t WHERE 1 IN (SELECT 1 FROM \`${schema}\`.t)`)).toMatchObject({ ok: false });
  });
});

describe('the lexer reads comments and quotes as MariaDB does', () => {
  it.each([
    ['a -- comment, up to the end of its line', 'SELECT 1 -- SLEEP(1)\nFROM t', 'OK'],
    ['a # comment, up to the end of its line', 'SELECT 1 # SLEEP(1)\nFROM t', 'OK'],
    ['what follows a # comment', 'SELECT 1 # x\n, SLEEP(1)', 'INVALID_QUERY: SLEEP() is not allowed'],
    ['what follows a -- comment', 'SELECT 1 -- x\n, SLEEP(1)', 'INVALID_QUERY: SLEEP() is not allowed'],
    ['a -- at the very end', 'SELECT 1 --', 'OK'],
    ['-- without a space', 'SELECT 1--1', 'INVALID_QUERY: "--" starts a comment only when a space follows it'],
    ['-- followed by a tab', 'SELECT 1 --\tSLEEP(1)', 'OK'],
    ['a call inside a double-quoted string', 'SELECT "SLEEP(1)"', 'OK'],
    ['a doubled double quote', 'SELECT "a""SLEEP(1)"', 'OK'],
    ['a backslash-escaped double quote', 'SELECT "a\\"SLEEP(1)"', 'OK'],
    ['a call after a string with an escaped quote', "SELECT 'a\\'', SLEEP(1)", 'INVALID_QUERY: SLEEP() is not allowed'],
    ['a backtick identifier with a doubled backtick', 'SELECT `a``b` FROM t', 'OK'],
    ['a schema in a backtick identifier', 'SELECT * FROM `mysql`.`user`', 'INVALID_QUERY: the system schema mysql'],
    ['an unclosed double quote', 'SELECT "abc', 'INVALID_QUERY: a " quote is not closed'],
    ['an unclosed backtick', 'SELECT `abc', 'INVALID_QUERY: a ` quote is not closed'],
    ['an unclosed comment', 'SELECT 1 /* abc', 'INVALID_QUERY: a /* comment is not closed'],
    ['a plain comment', 'SELECT 1 /* SLEEP(1) */ FROM t', 'OK'],
    ['a variable', 'SELECT @a', 'INVALID_QUERY: variables (@name, @@name) are not allowed'],
    ['an @ inside a string', "SELECT 'a@b'", 'OK'],
    ['NEXT VALUE FOR', 'SELECT NEXT VALUE FOR s', 'INVALID_QUERY: NEXT VALUE FOR is not allowed'],
    ['PREVIOUS VALUE FOR', 'SELECT previous value FOR s', 'INVALID_QUERY: PREVIOUS VALUE FOR is not allowed'],
    ['a NUL byte', 'SELECT 1\u0000', 'INVALID_QUERY: the query contains a NUL byte'],
  ])('%s', (_case, sql, outcome) => {
    expect(codeOf(sql)).toMatch(new RegExp(`^${outcome.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('gives each token its place in the text, which the parser-compat rewrites rely on', () => {
    const result = checkLexical("SELECT `a``b`, 'x' FROM t");
    expect(result).toEqual({
      ok: true,
      tokens: [
        { kind: 'word', text: 'SELECT', start: 0, end: 6 },
        { kind: 'identifier', text: 'a`b', start: 7, end: 13 },
        { kind: 'symbol', text: ',', start: 13, end: 14 },
        { kind: 'string', text: '', start: 15, end: 18 },
        { kind: 'word', text: 'FROM', start: 19, end: 23 },
        { kind: 'word', text: 't', start: 24, end: 25 },
      ],
    });
  });
});

describe('a query the parser cannot read', () => {
  it("is refused with the MySQL grammar's own complaint", () => {
    expect(codeOf('SELEKT 1')).toBe(
      'INVALID_QUERY: the query could not be parsed as MySQL/MariaDB SQL (see docs/security.md for unsupported constructs): Expected "#", "--", "/*", ":=", "=", or [ \\t\\n\\r] but "1" found.',
    );
  });
});

describe('the limits', () => {
  it(`accepts a query of exactly ${MAX_QUERY_LENGTH} characters and refuses one more`, () => {
    const exact = `SELECT 1${' '.repeat(MAX_QUERY_LENGTH - 8)}`;
    expect(exact).toHaveLength(MAX_QUERY_LENGTH);
    expect(codeOf(exact)).toBe('OK');
    expect(codeOf(`${exact} `)).toBe(`INVALID_QUERY: the query is longer than ${MAX_QUERY_LENGTH} characters`);
  });

  it(`reads ${MAX_NESTING} parentheses deep and refuses one more, before any layer does work on it`, () => {
    const nested = (depth: number) => `SELECT * FROM ${'('.repeat(depth)}app.t${')'.repeat(depth)}`;
    expect(codeOf(nested(MAX_NESTING))).toBe('OK');
    // 20,000 of these cost the later layers 97 s of CPU before the bound (a blocked api).
    for (const depth of [MAX_NESTING + 1, 20_000]) {
      expect(codeOf(nested(depth))).toBe(
        `INVALID_QUERY: the query is nested more than ${MAX_NESTING} parentheses deep`,
      );
    }
    // Closing parentheses count down: many groups side by side are not deep.
    expect(codeOf(`SELECT ${'(1) + '.repeat(300)}1`)).toBe('OK');
  });

  it('refuses an empty query, or one of white space only', () => {
    expect(codeOf('')).toBe('INVALID_QUERY: the query is empty');
    expect(codeOf(' \n\t')).toBe('INVALID_QUERY: the query is empty');
  });
});

describe('the schema rules', () => {
  const key = { defaultSchema: 'app', allowedSchemas: ['app'] };

  it('takes a schema-qualified name for a table, even where a CTE has that name', () => {
    expect(codeOf('WITH secret AS (SELECT 1 AS n) SELECT * FROM secret', key)).toBe('OK');
    expect(codeOf('WITH payroll AS (SELECT 1 AS n) SELECT * FROM secret.payroll', key)).toBe(
      'SCHEMA_NOT_ALLOWED: the schema secret is not among the schemas this key may read',
    );
  });

  it("names an unqualified table in the connection's database when the key may not read it", () => {
    expect(codeOf('SELECT * FROM users', { defaultSchema: 'app', allowedSchemas: ['other'] })).toBe(
      "SCHEMA_NOT_ALLOWED: the table users is in the connection's database, which this key may not read",
    );
    expect(codeOf('SELECT * FROM users', { allowedSchemas: ['app'] })).toMatch(/^SCHEMA_NOT_ALLOWED: the table users/);
  });

  it('compares schema names exactly, as MariaDB on Linux does', () => {
    expect(codeOf('SELECT * FROM APP.users', key)).toMatch(/^SCHEMA_NOT_ALLOWED: the schema APP/);
    expect(codeOf('SELECT * FROM app.users', key)).toBe('OK');
  });

  it('lets any schema but the system ones through for a caller without a list (fluxquery export)', () => {
    expect(codeOf('SELECT * FROM other.t')).toBe('OK');
  });
});

describe('a text checked before', () => {
  it('keeps its verdict per text: an accepted text does not make a refused one pass, nor the reverse', () => {
    const key = { defaultSchema: 'app', allowedSchemas: ['app'] };
    for (let i = 0; i < 3; i += 1) {
      expect(codeOf('SELECT * FROM app.t', key)).toBe('OK');
      expect(codeOf('SELECT * FROM secret.t', key)).toMatch(/^SCHEMA_NOT_ALLOWED/);
      // The schema rules apply to a remembered verdict too.
      expect(codeOf('SELECT * FROM app.t', { defaultSchema: 'app', allowedSchemas: ['secret'] })).toMatch(
        /^SCHEMA_NOT_ALLOWED/,
      );
    }
  });
});
