import { checkLexical } from './lexical-check';

// The lexical layer alone, on the edges of its rules: what the server reads as a comment, a
// string, an identifier or a call, and the look-alikes it must let through.
const reasonOf = (sql: string): string | undefined => {
  const result = checkLexical(sql);
  return result.ok ? undefined : result.reason;
};

describe('the lexical layer', () => {
  it.each([
    ['a division', 'SELECT 4/2 FROM t'],
    ['a comment with /* inside it', 'SELECT 1 /*a/*!*/ FROM t'],
    ['a comment that opens with /*/', 'SELECT 1 /*/ SLEEP(1) */ FROM t'],
    ['a line comment that ends in a quote', "SELECT 1 -- it's'\nFROM t"],
    ['a # comment that ends in a quote', "SELECT 1 # '\nFROM t"],
    ['a backslash at the end of a backticked name', 'SELECT 1 AS `a\\` FROM t'],
    ['a column named @ in backticks', 'SELECT 1 AS `@` FROM t'],
    ['columns named like system schemas', 'SELECT mysql, sys FROM t'],
    ['columns named like forbidden functions', 'SELECT sleep, `current_user`, `load_file` FROM t'],
    ['NEXT and PREVIOUS as column names', 'SELECT next, previous FROM t'],
    ['a column aliased value', 'SELECT a value, `next` value, anext value, nextx value FROM t'],
    ['next before another word', 'SELECT next xvalue, next valuex, next `value` FROM t'],
    ['a query ending in next', 'SELECT next'],
  ])('lets through %s', (_case, sql) => {
    expect(reasonOf(sql)).toBeUndefined();
  });

  it.each([
    ['an executable comment', 'SELECT 1 /*!50000 , SLEEP(1) */', /^executable comments and optimizer hints/],
    ['an executable comment after spaces', 'SELECT 1 /* ! 1 */', /^executable comments and optimizer hints/],
    ['a MariaDB executable comment', 'SELECT 1 /*M!100000 1 */', /^executable comments and optimizer hints/],
    ['an optimizer hint', 'SELECT /*+ MAX_EXECUTION_TIME(1) */ 1', /^executable comments and optimizer hints/],
    ['an unclosed comment', 'SELECT 1 /* x', /^a \/\* comment is not closed$/],
    ['a call after a line comment', 'SELECT 1 # c\n, SLEEP(1)', /^SLEEP\(\) is not allowed/],
    ['a call after a -- comment', 'SELECT 1 -- c\n, SLEEP(1)', /^SLEEP\(\) is not allowed/],
    ['a variable', 'SELECT @a', /^variables/],
    ['a system schema', 'SELECT * FROM mysql.user', /^the system schema mysql/],
    ['a system schema in backticks', 'SELECT * FROM `sys`.x', /^the system schema sys/],
    ['a sequence read with NEXT VALUE FOR', 'SELECT NEXT VALUE FOR s', /^NEXT VALUE FOR is not allowed/],
    ['a sequence read with PREVIOUS VALUE FOR', 'SELECT previous value FOR s', /^PREVIOUS VALUE FOR/],
    ['CURRENT_USER without parentheses', 'SELECT current_user', /^CURRENT_USER is not allowed: it describes/],
    ['CURRENT_ROLE without parentheses', 'SELECT CURRENT_ROLE', /^CURRENT_ROLE is not allowed: it describes/],
    ['a forbidden call in backticks', 'SELECT `sleep`(1)', /^SLEEP\(\) is not allowed: it only spends time$/],
  ])('refuses %s', (_case, sql, reason) => {
    expect(reasonOf(sql)).toMatch(reason);
  });

  it('states the executable-comment rule in full', () => {
    expect(reasonOf('SELECT /*! 1 */ 1')).toBe(
      'executable comments and optimizer hints (/*! … */, /*M! … */, /*+ … */) are not allowed',
    );
  });
});
