import { checkAst, checkLexical, checkSelectQuery, toParserText } from '@fluxquery/sql-guard';
import { ATTACKS, LEGIT } from './sql-corpus';

// The validator alone, layer by layer. The same corpus also runs against the real read-only
// account with the validator bypassed (sql-database-layer.int.test.ts) and through the signed API.
const POLICY = { defaultSchema: 'fq_app', allowedSchemas: ['fq_app'] };
const fill = (sql: string): string => sql.replaceAll('{db}', 'fq_app').replaceAll('{other}', 'fq_other');
// The parse layer as the guard runs it: on the text with the parser-compatibility rewrites.
const parseLayer = (sql: string) => {
  const lexical = checkLexical(sql);
  return checkAst(lexical.ok ? toParserText(sql, lexical.tokens) : sql);
};
// What only the lexical layer can see: the parser reads these as comments, or (CURRENT_ROLE
// without parentheses) as a column.
const PARSER_BLIND = /\/\*\s*(!|M!|\+)|--[^\s]|\bCURRENT_(USER|ROLE)\b(?!\s*\()/i;

describe('the SQL corpora', () => {
  it('are as large as the security issue asks', () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(40);
    expect(LEGIT.length).toBeGreaterThanOrEqual(25);
  });
});

describe.each(ATTACKS.map((a) => [fill(a.sql), a] as const))('attack %j', (sql, attack) => {
  it('is refused by the whole guard with a 4xx', () => {
    let error: any;
    try {
      checkSelectQuery(sql, POLICY);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: 'AppError', status: expect.any(Number) });
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
    expect(error.code).toBe(attack.layer === 'schema' ? 'SCHEMA_NOT_ALLOWED' : 'INVALID_QUERY');
  });

  it(`is refused first by the ${attack.layer} layer`, () => {
    const lexical = checkLexical(sql);
    const ast = parseLayer(sql);
    if (attack.layer === 'lexical') {
      expect(lexical.ok).toBe(false);
    } else if (attack.layer === 'parse') {
      expect(lexical).toMatchObject({ ok: true });
      expect(ast.ok).toBe(false);
    } else {
      expect(lexical).toMatchObject({ ok: true });
      expect(ast).toMatchObject({ ok: true });
      expect(() => checkSelectQuery(sql)).not.toThrow();
    }
  });

  if (attack.layer === 'lexical' && !PARSER_BLIND.test(sql)) {
    it('is refused by the parse layer too, had the lexical layer missed it', () => {
      expect(parseLayer(sql).ok).toBe(false);
    });
  }
});

describe.each(LEGIT.map((l) => [l.covers, fill(l.sql)] as const))('legitimate query: %s', (_covers, sql) => {
  it('passes both layers and the schema rule', () => {
    expect(checkLexical(sql)).toMatchObject({ ok: true });
    expect(parseLayer(sql)).toMatchObject({ ok: true });
    expect(() => checkSelectQuery(sql, POLICY)).not.toThrow();
  });
});

describe('guard details', () => {
  it.each([
    ['', /empty/],
    ['SELEKT * FROM users', /could not be parsed/],
    ['SELECT 1\u0000', /NUL/],
    ["SELECT 'unclosed", /quote is not closed/],
    ['SELECT 1 /* unclosed', /comment is not closed/],
    ['x'.repeat(100_001), /longer than/],
  ])('refuses %j with a reason', (sql, message) => {
    expect(() => checkSelectQuery(sql)).toThrow(
      expect.objectContaining({ code: 'INVALID_QUERY', message: expect.stringMatching(message) }),
    );
  });

  it('reads CTE names as CTEs, not as tables of the connection database', () => {
    const sql = 'WITH mine AS (SELECT id FROM fq_app.users) SELECT id FROM mine';
    expect(() => checkSelectQuery(sql, { defaultSchema: 'elsewhere', allowedSchemas: ['fq_app'] })).not.toThrow();
    expect(() =>
      checkSelectQuery('SELECT id FROM users', { defaultSchema: 'elsewhere', allowedSchemas: ['fq_app'] }),
    ).toThrow(expect.objectContaining({ code: 'SCHEMA_NOT_ALLOWED' }));
  });

  it('compares allowed schemas exactly, as MariaDB on Linux does', () => {
    expect(() => checkSelectQuery('SELECT id FROM FQ_APP.users', POLICY)).toThrow(
      expect.objectContaining({ code: 'SCHEMA_NOT_ALLOWED' }),
    );
  });
});

describe('known unsupported constructs (docs/security.md)', () => {
  it.each([
    'SELECT * FROM users PROCEDURE ANALYSE()',
    'SELECT * FROM users FOR SHARE',
    "SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS(a INT PATH '$')) AS j",
    'TABLE users',
    'VALUES (1)',
  ])('%s is refused as unreadable, with a pointer to the docs', (sql) => {
    expect(() => checkSelectQuery(sql)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/could not be parsed.*docs\/security\.md/) }),
    );
  });
});
