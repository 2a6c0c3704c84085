import { checkLexical } from './lexical-check';
import { toParserText } from './parser-compat';

// The parser's copy of a query, text for text: each rewrite drops or swaps only what it says, and
// leaves alone the look-alikes it must not touch. Some inputs are not SQL: they place one token
// where a rewrite looks for another.
function parserText(sql: string): string {
  const lexical = checkLexical(sql);
  if (!lexical.ok) throw new Error(lexical.reason);
  return toParserText(sql, lexical.tokens);
}

describe('the parser-compat rewrites', () => {
  it.each([
    // Index hints, with or without FOR JOIN / ORDER BY / GROUP BY; only a list of plain names.
    ['SELECT a FROM t USE INDEX (i1, `i 2`) WHERE b', 'SELECT a FROM t   WHERE b'],
    ['SELECT a FROM t FORCE KEY FOR JOIN (i1) WHERE b', 'SELECT a FROM t   WHERE b'],
    ['SELECT a FROM t IGNORE INDEX FOR ORDER BY (i1) WHERE b', 'SELECT a FROM t   WHERE b'],
    ['SELECT a FROM t USE KEY FOR GROUP BY (i1)', 'SELECT a FROM t  '],
    ['SELECT a FROM t USE INDEX (LOWER(x)) WHERE b', 'SELECT a FROM t USE INDEX (LOWER(x)) WHERE b'],
    ["SELECT a FROM t USE INDEX ('i1')", "SELECT a FROM t USE INDEX ('i1')"],
    ['SELECT a FROM t USE INDEX i1)', 'SELECT a FROM t USE INDEX i1)'],
    ['SELECT a FROM t USE INDEX (i1, i2', 'SELECT a FROM t USE INDEX (i1, i2'],
    ['SELECT use, index FROM t', 'SELECT use, index FROM t'],
    // Partition lists after a table; a window's PARTITION BY stays.
    ['SELECT a FROM t PARTITION (p0, p1) WHERE b', 'SELECT a FROM t   WHERE b'],
    ['SELECT a FROM t PARTITION (p0', 'SELECT a FROM t PARTITION (p0'],
    ['SELECT ROW_NUMBER() OVER (PARTITION BY a) FROM t', 'SELECT ROW_NUMBER() OVER (PARTITION BY a) FROM t'],
    // Keywords the parser lacks.
    ['SELECT a FROM t NATURAL JOIN u', 'SELECT a FROM t   JOIN u'],
    ['SELECT a FROM t NATURAL LEFT JOIN u NATURAL RIGHT JOIN v', 'SELECT a FROM t   LEFT JOIN u   RIGHT JOIN v'],
    ['SELECT natural FROM t', 'SELECT natural FROM t'],
    ['SELECT STRAIGHT_JOIN a FROM t', 'SELECT   a FROM t'],
    ['SELECT DISTINCT STRAIGHT_JOIN a FROM t', 'SELECT DISTINCT   a FROM t'],
    ['SELECT ALL STRAIGHT_JOIN a FROM t', 'SELECT ALL   a FROM t'],
    ['SELECT a FROM t STRAIGHT_JOIN u', 'SELECT a FROM t STRAIGHT_JOIN u'],
    ['SELECT a FROM t WHERE a SOUNDS LIKE b', 'SELECT a FROM t WHERE a   LIKE b'],
    ['SELECT sounds FROM t', 'SELECT sounds FROM t'],
    ['SELECT a FROM t ROWS EXAMINED 10', 'SELECT a FROM t  '],
    ['SELECT a FROM t ROWS EXAMINED x', 'SELECT a FROM t ROWS EXAMINED x'],
    ['SELECT a FROM t ROWS EXAMINED 10x', 'SELECT a FROM t ROWS EXAMINED 10x'],
    ['SELECT a FROM t ROWS EXAMINED', 'SELECT a FROM t ROWS EXAMINED'],
    ['SELECT rows, examined FROM t', 'SELECT rows, examined FROM t'],
    // IS [NOT] TRUE / FALSE / UNKNOWN read as IS [NOT] NULL, the same shape; nothing else.
    ['SELECT a IS TRUE, b IS NOT FALSE, c IS UNKNOWN FROM t', 'SELECT a IS NULL, b IS NOT NULL, c IS NULL FROM t'],
    ['SELECT NOT TRUE, TRUE, c NOT UNKNOWN FROM t', 'SELECT NOT TRUE, TRUE, c NOT UNKNOWN FROM t'],
    ['SELECT TRUE IS NULL, NOT TRUE , IS', 'SELECT TRUE IS NULL, NOT TRUE , IS'],
    ['SELECT IS x TRUE NOT', 'SELECT IS x TRUE NOT'],
    ['SELECT a IS b', 'SELECT a IS b'],
    // <=> as =; only the three characters together.
    ['SELECT a <=> b FROM t', 'SELECT a = b FROM t'],
    ['SELECT a < = > b, a <= b, a=>b, a <x> b FROM t', 'SELECT a < = > b, a <= b, a=>b, a <x> b FROM t'],
    // The BINARY operator before a column; not BINARY(n) or CAST(… AS BINARY).
    [
      'SELECT BINARY a, BINARY `b`, BINARY(3), CAST(a AS BINARY) FROM t',
      'SELECT   a,   `b`, BINARY(3), CAST(a AS BINARY) FROM t',
    ],
    [
      'SELECT MAX(DISTINCT a), MIN(DISTINCT b), COUNT(DISTINCT c) FROM t',
      'SELECT MAX(  a), MIN(  b), COUNT(DISTINCT c) FROM t',
    ],
    ['SELECT DISTINCT a FROM t', 'SELECT DISTINCT a FROM t'],
    ['SELECT VARIANCE(a), STD(b), STD, variance FROM t', 'SELECT VAR_POP(a), STDDEV_POP(b), STD, variance FROM t'],
    // INTERSECT / EXCEPT with ALL or DISTINCT; UNION keeps its own.
    [
      'SELECT a FROM t INTERSECT ALL SELECT a FROM u EXCEPT DISTINCT SELECT a FROM v',
      'SELECT a FROM t INTERSECT   SELECT a FROM u EXCEPT   SELECT a FROM v',
    ],
    [
      'SELECT a FROM t INTERSECT DISTINCT SELECT a FROM u EXCEPT ALL SELECT a FROM v UNION ALL SELECT 1',
      'SELECT a FROM t INTERSECT   SELECT a FROM u EXCEPT   SELECT a FROM v UNION ALL SELECT 1',
    ],
    // SUBSTRING(s FROM a FOR b) as SUBSTRING(s, a, b), inside its own parentheses only.
    ['SELECT SUBSTRING(a FROM 2 FOR 3) FROM t', 'SELECT SUBSTRING(a , 2 , 3) FROM t'],
    ['SELECT SUBSTR(a FROM 2), MID(a FROM (1) FOR 2) FROM t', 'SELECT SUBSTR(a , 2), MID(a , (1) , 2) FROM t'],
    ['SELECT SUBSTR((SELECT b FROM u) FROM 2) FROM t', 'SELECT SUBSTR((SELECT b FROM u) , 2) FROM t'],
    ['SELECT SUBSTRING(a FROM 1), (SELECT b FROM u) FROM t', 'SELECT SUBSTRING(a , 1), (SELECT b FROM u) FROM t'],
    ['SELECT TRIM(x FROM y), substring FROM t', 'SELECT TRIM(x FROM y), substring FROM t'],
  ])('reads %s as %s', (sql, expected) => {
    expect(parserText(sql)).toBe(expected);
  });
});

describe('parenthesised set operations and FROM groups as derived tables', () => {
  it.each([
    [
      'SELECT a FROM t UNION ALL (SELECT a FROM u UNION SELECT a FROM v)',
      'SELECT a FROM t UNION ALL (SELECT * FROM (SELECT a FROM u UNION SELECT a FROM v) AS fq_set_1)',
    ],
    [
      '((SELECT 1 EXCEPT SELECT 2) INTERSECT (SELECT 3)) UNION (WITH w AS (SELECT 4) SELECT * FROM w UNION SELECT 5)',
      '(SELECT * FROM ((SELECT * FROM (SELECT 1 EXCEPT SELECT 2) AS fq_set_1) INTERSECT (SELECT 3)) AS fq_set_2) UNION (SELECT * FROM (WITH w AS (SELECT 4) SELECT * FROM w UNION SELECT 5) AS fq_set_3)',
    ],
    ['SELECT a FROM t WHERE a IN (1 UNION 2)', 'SELECT a FROM t WHERE a IN (1 UNION 2)'],
    ['(SELECT 1) UNION (SELECT 2)', '(SELECT 1) UNION (SELECT 2)'],
    [
      'SELECT * FROM (a, b) JOIN (c JOIN d ON 1) ON 1',
      'SELECT * FROM (SELECT * FROM a, b) AS fq_group_1 JOIN (SELECT * FROM c JOIN d ON 1) AS fq_group_2 ON 1',
    ],
    [
      'SELECT * FROM a STRAIGHT_JOIN (b) , ((c))',
      'SELECT * FROM a STRAIGHT_JOIN (SELECT * FROM b) AS fq_group_1 , (SELECT * FROM (SELECT * FROM c) AS fq_group_2) AS fq_group_3',
    ],
    ['SELECT * FROM (SELECT 1) AS d, ((SELECT 2)) AS e', 'SELECT * FROM (SELECT 1) AS d, ((SELECT 2)) AS e'],
    ['SELECT (a), (b) FROM t', 'SELECT (a), (b) FROM t'],
    ['SELECT * FROM t WHERE a IN (1, (2))', 'SELECT * FROM t WHERE a IN (1, (2))'],
    // A FROM that is a function's argument starts no list.
    ...['SUBSTRING', 'SUBSTR', 'MID'].map((name) => [
      `SELECT * FROM t WHERE a = ${name}(x FROM (y))`,
      `SELECT * FROM t WHERE a = ${name}(x , (y))`,
    ]),
    ...['TRIM', 'EXTRACT', 'POSITION'].map((name) => [
      `SELECT * FROM t WHERE a = ${name}(x FROM (y))`,
      `SELECT * FROM t WHERE a = ${name}(x FROM (y))`,
    ]),
    // Each word that ends a FROM list at its depth.
    ...['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'WINDOW', 'FOR', 'LOCK', 'INTO', 'PROCEDURE']
      .concat(['UNION', 'INTERSECT', 'EXCEPT', 'SELECT'])
      .map((word) => [`SELECT * FROM t ${word} x, (y)`, `SELECT * FROM t ${word} x, (y)`]),
    ['SELECT * FROM t, (y)', 'SELECT * FROM t, (SELECT * FROM y) AS fq_group_1'],
  ])('reads %s as %s', (sql, expected) => {
    expect(parserText(sql)).toBe(expected);
  });
});
