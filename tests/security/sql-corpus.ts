/**
 * The SQL corpora: attacks the guard must refuse, and ordinary reports it must let through.
 * `{db}` is the test database (the reader's one schema) and `{other}` a schema the reader may not
 * read. Tables: users(id, name, email, country, note, deleted_at, drop_reason, prefs JSON,
 * created_at) and transactions(id, user_id, amount, created_at); a sequence seq_ids, a stored function
 * leak(x) and a procedure evil(), which the reader may not run.
 */

/** What the read-only account and session do with the attack when the guard is bypassed. */
export type DatabaseOutcome =
  /** The server refuses it: no privilege, read-only transaction, unknown function, syntax. */
  | 'refused'
  /** The session's time limit stops it (SLEEP and BENCHMARK then return early, with no error). */
  | 'stopped'
  /** It runs, but what it reaches is NULL (LOAD_FILE without the FILE privilege). */
  | 'null'
  /** It runs: the guard is the only layer that stops it (documented in docs/security.md). */
  | 'runs';

export interface Attack {
  sql: string;
  /** The guard layer that refuses it first. */
  layer: 'lexical' | 'parse' | 'schema';
  database: DatabaseOutcome;
}

export const ATTACKS: Attack[] = [
  // System schemas, in every spelling.
  { sql: 'SELECT * FROM mysql.user', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT * FROM `mysql`.`user`', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT User, Password FROM MySQL.User', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT * FROM mysql . user', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT * FROM mysql/**/.user', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT table_name FROM information_schema.tables', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT * FROM `INFORMATION_SCHEMA`.`PROCESSLIST`', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT * FROM Information_Schema.user_privileges', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT * FROM performance_schema.threads', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT * FROM sys.sys_config', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT id FROM users WHERE id IN (SELECT 1 FROM mysql.user)', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT name FROM users UNION SELECT user FROM mysql.user', layer: 'lexical', database: 'refused' },
  { sql: 'WITH u AS (SELECT * FROM mysql.db) SELECT * FROM u', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT * FROM users JOIN mysql.global_priv g ON 1 = 1', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT (SELECT COUNT(*) FROM information_schema.columns) AS n', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT * FROM (SELECT * FROM performance_schema.accounts) AS a', layer: 'lexical', database: 'refused' },
  // Other schemas than the caller's.
  { sql: 'SELECT * FROM {other}.payroll', layer: 'schema', database: 'refused' },
  { sql: 'SELECT u.id FROM users u JOIN `{other}`.`payroll` p ON p.id = u.id', layer: 'schema', database: 'refused' },
  // Files.
  { sql: "SELECT * FROM users INTO OUTFILE '/tmp/fq-out.csv'", layer: 'parse', database: 'refused' },
  { sql: "SELECT * INTO OUTFILE '/tmp/fq-out2.csv' FROM users", layer: 'parse', database: 'refused' },
  { sql: "SELECT name FROM users LIMIT 1 INTO DUMPFILE '/tmp/fq-dump'", layer: 'parse', database: 'refused' },
  { sql: "SELECT 1 UNION SELECT 2 INTO OUTFILE '/tmp/fq-out4.csv'", layer: 'parse', database: 'refused' },
  { sql: "SELECT LOAD_FILE('/etc/passwd')", layer: 'lexical', database: 'null' },
  { sql: 'SELECT load_file(0x2f6574632f706173737764)', layer: 'lexical', database: 'null' },
  { sql: "SELECT CONVERT(LOAD_FILE('/etc/hosts') USING utf8mb4)", layer: 'lexical', database: 'null' },
  // Variables.
  { sql: 'SELECT @@datadir', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT @@GLOBAL.basedir', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT @@version, @@hostname', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT @a := 1', layer: 'lexical', database: 'runs' },
  // It runs, but returns no result set: the worker fails the job.
  { sql: 'SELECT id FROM users LIMIT 1 INTO @stolen', layer: 'lexical', database: 'refused' },
  // Time.
  { sql: 'SELECT SLEEP(30)', layer: 'lexical', database: 'stopped' },
  { sql: 'SELECT id FROM users WHERE SLEEP (30) = 0', layer: 'lexical', database: 'stopped' },
  { sql: 'SELECT BENCHMARK(1000000000, SHA2(RAND(), 512))', layer: 'lexical', database: 'stopped' },
  {
    sql: 'SELECT * FROM users WHERE id = 1 AND (SELECT 1 FROM (SELECT sleep(30)) AS s)',
    layer: 'lexical',
    database: 'stopped',
  },
  // Locks, replication waits, sequences.
  { sql: "SELECT GET_LOCK('fq-attack', 0)", layer: 'lexical', database: 'runs' },
  { sql: "SELECT IS_USED_LOCK('fq-never-taken')", layer: 'lexical', database: 'null' },
  { sql: 'SELECT RELEASE_ALL_LOCKS()', layer: 'lexical', database: 'runs' },
  { sql: "SELECT MASTER_POS_WAIT('mysql-bin.000001', 4, 30)", layer: 'lexical', database: 'null' },
  { sql: "SELECT MASTER_GTID_WAIT('0-1-999999', 30)", layer: 'lexical', database: 'stopped' },
  { sql: 'SELECT NEXTVAL(seq_ids)', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT SETVAL(seq_ids, 1)', layer: 'lexical', database: 'refused' },
  { sql: 'SELECT NEXT VALUE FOR seq_ids', layer: 'lexical', database: 'refused' },
  // Server and account introspection, stored functions and UDFs.
  { sql: 'SELECT CURRENT_USER(), VERSION()', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT user()', layer: 'lexical', database: 'runs' },
  // The key's own role name: harmless, but describes the account, not the data.
  { sql: 'SELECT CURRENT_ROLE', layer: 'lexical', database: 'runs' },
  { sql: "SELECT sys_exec('id')", layer: 'lexical', database: 'refused' },
  { sql: 'SELECT {db}.leak(1)', layer: 'parse', database: 'refused' },
  // Behind the constructs the guard rewrites for the parser (index hints, NATURAL JOIN).
  {
    sql: "SELECT * FROM users USE INDEX (PRIMARY) INTO OUTFILE '/tmp/fq-out3.csv'",
    layer: 'parse',
    database: 'refused',
  },
  { sql: 'SELECT * FROM users NATURAL JOIN transactions FOR UPDATE', layer: 'parse', database: 'refused' },
  { sql: 'SELECT * FROM {other}.payroll FORCE INDEX (PRIMARY)', layer: 'schema', database: 'refused' },
  { sql: 'SELECT * FROM users FORCE INDEX ((SELECT 1))', layer: 'parse', database: 'refused' },
  // Locking reads.
  { sql: 'SELECT * FROM users FOR UPDATE', layer: 'parse', database: 'refused' },
  { sql: 'SELECT * FROM users LOCK IN SHARE MODE', layer: 'parse', database: 'runs' },
  { sql: 'SELECT * FROM users FOR UPDATE NOWAIT', layer: 'parse', database: 'refused' },
  // Executable comments, hints, and text the parser would read differently from the server.
  {
    sql: 'SELECT id FROM users WHERE 1 = 0 /*!UNION SELECT LOAD_FILE(0x2f6574632f706173737764) */',
    layer: 'lexical',
    database: 'null',
  },
  { sql: 'SELECT 1 /*!50000 , SLEEP(30) */', layer: 'lexical', database: 'stopped' },
  { sql: 'SELECT 1 /*M!100000 , @@datadir */', layer: 'lexical', database: 'runs' },
  { sql: 'SELECT /*+ MAX_EXECUTION_TIME(1) */ * FROM users', layer: 'lexical', database: 'runs' },
  { sql: "SELECT NULL--1, LOAD_FILE('/etc/passwd')", layer: 'lexical', database: 'null' },
  { sql: 'SELECT id FROM users WHERE name = "x /* unclosed', layer: 'lexical', database: 'refused' },
  // Not a SELECT, or more than one statement.
  { sql: 'DELETE FROM users', layer: 'parse', database: 'refused' },
  { sql: "UPDATE users SET name = 'x'", layer: 'parse', database: 'refused' },
  { sql: "INSERT INTO users (name) VALUES ('x')", layer: 'parse', database: 'refused' },
  { sql: 'DROP TABLE users', layer: 'parse', database: 'refused' },
  { sql: 'TRUNCATE TABLE users', layer: 'parse', database: 'refused' },
  { sql: 'CREATE TABLE fq_evil (id INT)', layer: 'parse', database: 'refused' },
  { sql: 'SELECT 1; DROP TABLE users', layer: 'parse', database: 'refused' },
  { sql: 'SELECT 1; SELECT 2', layer: 'parse', database: 'refused' },
  { sql: 'SHOW GRANTS', layer: 'parse', database: 'runs' },
  { sql: 'SET GLOBAL max_connections = 1', layer: 'parse', database: 'refused' },
  { sql: 'DO SLEEP(30)', layer: 'lexical', database: 'stopped' },
  { sql: 'CALL evil()', layer: 'parse', database: 'refused' },
  { sql: "LOAD DATA INFILE '/etc/passwd' INTO TABLE users", layer: 'parse', database: 'refused' },
  { sql: 'SELECT * FROM users PROCEDURE ANALYSE()', layer: 'parse', database: 'runs' },
  { sql: 'HANDLER users OPEN', layer: 'parse', database: 'refused' },
  { sql: 'EXPLAIN SELECT * FROM users', layer: 'parse', database: 'runs' },
];

export interface Legit {
  sql: string;
  /** What the query shows the guard must understand. */
  covers: string;
}

export const LEGIT: Legit[] = [
  { covers: 'the plain case', sql: 'SELECT * FROM users' },
  { covers: 'a deleted_at column', sql: 'SELECT id, name FROM users WHERE deleted_at IS NULL' },
  { covers: 'a drop_reason column', sql: 'SELECT id, drop_reason FROM users WHERE drop_reason IS NOT NULL' },
  { covers: "'DROP TABLE' in a literal", sql: "SELECT id FROM users WHERE note = 'DROP TABLE users'" },
  {
    covers: 'keywords, comment markers and function names in a literal',
    sql: "SELECT id, 'It''s -- not a comment; /* nor this */ SLEEP(1) @@x mysql.user' AS text FROM users",
  },
  { covers: 'escaped quotes in both string styles', sql: 'SELECT "say \\"hi\\"", \'it\\\'s\' FROM users LIMIT 1' },
  { covers: 'UNION', sql: 'SELECT id, name FROM users UNION SELECT id, note FROM users' },
  { covers: 'UNION ALL', sql: 'SELECT id FROM users UNION ALL SELECT user_id FROM transactions' },
  {
    covers: 'a parenthesised set operation as an operand',
    sql: 'SELECT id FROM users UNION ALL (SELECT user_id FROM transactions UNION SELECT id FROM users WHERE id > 1)',
  },
  {
    covers: 'parenthesised operands with their own ORDER BY and LIMIT, and one for the whole',
    sql: '(SELECT id FROM users ORDER BY id DESC LIMIT 2) UNION ALL (SELECT user_id FROM transactions ORDER BY id LIMIT 1) ORDER BY 1 LIMIT 3',
  },
  {
    covers: 'INTERSECT and EXCEPT ALL',
    sql: '(SELECT id FROM users INTERSECT SELECT user_id FROM transactions) EXCEPT ALL (SELECT 99)',
  },
  {
    covers: 'a parenthesised FROM list',
    sql: 'SELECT u.id, t.id FROM (users u, transactions t) WHERE t.user_id = u.id',
  },
  {
    covers: 'nested joins in parentheses',
    sql: 'SELECT u.name, t.amount FROM users u LEFT JOIN (transactions t JOIN users v ON v.id = t.user_id) ON t.user_id = u.id',
  },
  {
    covers: 'a CTE',
    sql: 'WITH spend AS (SELECT user_id, SUM(amount) AS total FROM transactions GROUP BY user_id) SELECT u.name, s.total FROM users u JOIN spend s ON s.user_id = u.id',
  },
  {
    covers: 'WITH RECURSIVE',
    sql: 'WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 10) SELECT n FROM seq',
  },
  { covers: 'a window function', sql: 'SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM users' },
  {
    covers: 'a partitioned running total',
    sql: 'SELECT user_id, amount, SUM(amount) OVER (PARTITION BY user_id ORDER BY id) AS running FROM transactions',
  },
  { covers: 'LAG', sql: 'SELECT id, LAG(amount) OVER (ORDER BY id) AS previous FROM transactions' },
  {
    covers: 'JSON_EXTRACT',
    sql: "SELECT id, JSON_EXTRACT(prefs, '$.theme') AS theme FROM users WHERE prefs IS NOT NULL",
  },
  {
    covers: 'JSON_UNQUOTE and JSON_CONTAINS',
    sql: "SELECT id, JSON_UNQUOTE(JSON_EXTRACT(prefs, '$.theme')) FROM users WHERE JSON_CONTAINS(prefs, '\"dark\"', '$.theme')",
  },
  { covers: 'JSON_OBJECT', sql: "SELECT JSON_OBJECT('id', id, 'name', name) AS doc FROM users" },
  { covers: 'a leading line comment', sql: '-- the weekly report\nSELECT id FROM users' },
  { covers: 'block and hash comments', sql: 'SELECT id /* the key */ FROM users # every user' },
  { covers: 'a trailing semicolon', sql: 'SELECT id FROM users;' },
  {
    covers: 'LEFT JOIN, GROUP BY, HAVING',
    sql: 'SELECT u.id, COUNT(t.id) AS n FROM users u LEFT JOIN transactions t ON t.user_id = u.id GROUP BY u.id HAVING COUNT(t.id) >= 0',
  },
  {
    covers: 'IN (subquery)',
    sql: 'SELECT * FROM users WHERE id IN (SELECT user_id FROM transactions WHERE amount > 10)',
  },
  {
    covers: 'a correlated EXISTS',
    sql: 'SELECT * FROM users WHERE EXISTS (SELECT 1 FROM transactions t WHERE t.user_id = users.id)',
  },
  { covers: 'a derived table', sql: 'SELECT sub.id FROM (SELECT id, name FROM users) AS sub WHERE sub.id > 1' },
  {
    covers: 'LIKE, ORDER BY, LIMIT OFFSET',
    sql: "SELECT name FROM users WHERE name LIKE '%a%' ORDER BY name DESC LIMIT 5 OFFSET 1",
  },
  {
    covers: 'CASE',
    sql: "SELECT CASE WHEN amount > 100 THEN 'big' ELSE 'small' END AS size, COUNT(*) AS n FROM transactions GROUP BY size",
  },
  {
    covers: 'date functions',
    sql: "SELECT DATE_FORMAT(created_at, '%Y-%m') AS month, SUM(amount) AS total FROM transactions GROUP BY month",
  },
  { covers: 'backticked names', sql: 'SELECT `id`, `name` FROM `users`' },
  { covers: 'the schema named', sql: 'SELECT {db}.users.id FROM {db}.users' },
  { covers: 'DISTINCT', sql: 'SELECT DISTINCT country FROM users' },
  {
    covers: 'COALESCE and IFNULL',
    sql: "SELECT COALESCE(name, 'unknown') AS name, IFNULL(note, '') AS note FROM users",
  },
  { covers: 'GROUP_CONCAT', sql: "SELECT GROUP_CONCAT(name ORDER BY name SEPARATOR ', ') AS names FROM users" },
  { covers: 'a column named like a function', sql: 'SELECT user_id, amount AS `sleep` FROM transactions' },
  { covers: 'BETWEEN on dates', sql: "SELECT id FROM users WHERE created_at BETWEEN '2020-01-01' AND '2035-01-01'" },
  { covers: 'arithmetic with a spaced double minus', sql: 'SELECT id - -1 AS next_id FROM users' },
  { covers: 'index hints', sql: 'SELECT id FROM users FORCE INDEX (PRIMARY) WHERE id > 1' },
  {
    covers: 'a join index hint',
    sql: 'SELECT u.id FROM users u USE INDEX FOR JOIN (PRIMARY) JOIN transactions t ON t.user_id = u.id',
  },
  { covers: 'NATURAL JOIN', sql: 'SELECT * FROM users NATURAL LEFT JOIN transactions' },
  { covers: 'STRAIGHT_JOIN', sql: 'SELECT STRAIGHT_JOIN u.id FROM users u JOIN transactions t ON t.user_id = u.id' },
  { covers: 'the null-safe <=>', sql: 'SELECT id FROM users WHERE note <=> NULL' },
  { covers: 'SUBSTRING … FROM … FOR', sql: 'SELECT SUBSTRING(email FROM 2 FOR 3) AS part FROM users' },
  { covers: 'IS TRUE and SOUNDS LIKE', sql: "SELECT id FROM users WHERE (id > 1) IS TRUE OR name SOUNDS LIKE 'Ada'" },
  { covers: 'LIMIT ROWS EXAMINED', sql: 'SELECT id FROM users LIMIT 10 ROWS EXAMINED 1000' },
  {
    covers: 'ROLLUP, REGEXP and INTERVAL',
    sql: "SELECT country, COUNT(*) AS n FROM users WHERE name REGEXP '^A' AND created_at > '2030-01-01' - INTERVAL 20 YEAR GROUP BY country WITH ROLLUP",
  },
  {
    covers: 'INTERSECT and EXCEPT',
    sql: 'SELECT id FROM users INTERSECT SELECT user_id FROM transactions EXCEPT SELECT 2',
  },
];
