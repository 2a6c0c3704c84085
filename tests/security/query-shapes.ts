/**
 * Query shapes around one table, generated: every way of writing a FROM clause (parenthesised
 * lists, nested joins, derived tables), wrapped in up to two of every way of nesting a query
 * (derived tables, CTEs, set operations with parenthesised operands at any side, subqueries in
 * SELECT, WHERE, HAVING, ORDER BY, function arguments and window inputs). Each query returns one
 * column `n`, so that every wrapper fits around every other. Put a forbidden table in and every
 * one must be refused; put an allowed one in and every one must be accepted and run.
 */

/** Ways of naming `t` in a FROM clause. */
const FROM_SHAPES: ((t: string) => string)[] = [
  (t) => t,
  (t) => `${t} AS x`,
  (t) => `(${t}, (SELECT 1 AS one) AS o)`,
  (t) => `(SELECT 1 AS one) AS o JOIN ${t} ON 1`,
  (t) => `(SELECT 1 AS one) AS o LEFT JOIN (${t} JOIN (SELECT 2 AS two) AS o2 ON 1) ON 1`,
  (t) => `(${t} JOIN (SELECT 1 AS one) AS o ON 1) JOIN (SELECT 2 AS two) AS o2 ON 1`,
  (t) => `(SELECT 1 AS one) AS o JOIN (${t}, (SELECT 2 AS two) AS o2) ON 1`,
  (t) => `(SELECT 1 AS one) AS o CROSS JOIN ${t}`,
  (t) => `(SELECT 1 AS one) AS o STRAIGHT_JOIN ${t}`,
];

/** Ways of nesting a one-column query `q`; each returns one column `n` again. */
const QUERY_SHAPES: ((q: string) => string)[] = [
  (q) => `SELECT * FROM (${q}) AS d`,
  (q) => `WITH c AS (${q}) SELECT * FROM c`,
  (q) => `WITH RECURSIVE c AS (${q}) SELECT n FROM c`,
  (q) => `SELECT 0 AS n UNION ALL (${q})`,
  (q) => `(${q}) UNION ALL SELECT 0`,
  (q) => `SELECT 0 AS n UNION ALL (SELECT -1 UNION (${q}))`,
  (q) => `((${q}) UNION (SELECT -2)) UNION ALL (SELECT -3 EXCEPT ALL SELECT -4) ORDER BY 1 LIMIT 10`,
  (q) => `(${q}) INTERSECT (SELECT n FROM (${q}) AS again)`,
  (q) => `SELECT (SELECT MAX(n) FROM (${q}) AS s) AS n`,
  (q) => `SELECT 1 AS n FROM DUAL WHERE EXISTS (${q})`,
  (q) => `SELECT n FROM (SELECT 1 AS n) AS o WHERE n NOT IN (SELECT n + 1000 FROM (${q}) AS s)`,
  (q) => `SELECT n FROM (SELECT 1 AS n) AS o GROUP BY n HAVING n > (SELECT MIN(n) - 1000 FROM (${q}) AS s)`,
  (q) => `SELECT n FROM (SELECT 1 AS n) AS o ORDER BY (SELECT MAX(n) FROM (${q}) AS s)`,
  (q) => `SELECT COALESCE((SELECT MAX(n) FROM (${q}) AS s), 0) AS n`,
  (q) => `SELECT SUM(n) OVER () AS n FROM (${q}) AS s`,
  (q) => `SELECT o.n FROM (SELECT 1 AS n) AS o JOIN (${q}) AS j ON j.n >= 0`,
];

/** Every generated query that reads `table`: each FROM shape, bare and under one or two query shapes. */
export function queryShapes(table: string, depth: 1 | 2 = 2): string[] {
  const queries: string[] = [];
  for (const from of FROM_SHAPES) {
    const base = `SELECT COUNT(*) AS n FROM ${from(table)}`;
    queries.push(base);
    for (const outer of QUERY_SHAPES) {
      queries.push(outer(base));
      if (depth === 2) for (const inner of QUERY_SHAPES) queries.push(outer(inner(base)));
    }
  }
  return queries;
}

/**
 * Unqualified names that a CTE of the same name does not cover, though a walk that ignores scope
 * would think so: each of these reads the real table `name` in the connection's database.
 */
export function shadowedShapes(name: string): string[] {
  return [
    `WITH ${name} AS (SELECT COUNT(*) AS n FROM ${name}) SELECT * FROM ${name}`,
    `WITH a AS (SELECT COUNT(*) AS n FROM ${name}), ${name} AS (SELECT 1 AS n) SELECT * FROM a`,
    `(WITH ${name} AS (SELECT 1 AS n) SELECT * FROM ${name}) UNION ALL SELECT COUNT(*) FROM ${name}`,
    `SELECT COUNT(*) AS n FROM ${name} WHERE EXISTS (WITH ${name} AS (SELECT 1 AS n) SELECT * FROM ${name})`,
    `SELECT (WITH ${name} AS (SELECT 1 AS n) SELECT MAX(n) FROM ${name}) + (SELECT COUNT(*) FROM ${name}) AS n`,
  ];
}
