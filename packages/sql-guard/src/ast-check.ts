import { Parser as MariaDbParser } from 'node-sql-parser/build/mariadb';
import { Parser as MySqlParser } from 'node-sql-parser/build/mysql';
import { FORBIDDEN_FUNCTIONS, SYSTEM_SCHEMAS } from './rules';
import { walkTables, type Node, type TableRef } from './table-walk';

export type { TableRef } from './table-walk';

// MySQL's grammar first (it reads LOCK IN SHARE MODE and CURRENT_USER, which the MariaDB one
// rejects), then MariaDB's for what only MariaDB has. Either tree has the same shape. The two
// dialects' own builds, not the package's index with all of its 15 grammars: 5.5 MB less memory in
// every api and worker process, and less start-up.
const DIALECTS = [
  { database: 'MySQL', parser: new MySqlParser() },
  { database: 'MariaDB', parser: new MariaDbParser() },
] as const;

export type AstResult = { ok: true; tables: TableRef[] } | { ok: false; reason: string };

interface Parsed {
  statements: Node[];
  /** The parser's own list of the tables it saw, as `select::<db or null>::<table>`. */
  tableList: string[];
}

/**
 * The parse layer: exactly one statement, a SELECT (set operations, CTEs, subqueries and window
 * functions included), then a walk over every node of its tree for what a read must never do and
 * for every table it reads (table-walk.ts), for the schema rules.
 */
export function checkAst(sql: string): AstResult {
  const parsed = parse(sql);
  if (!('statements' in parsed)) return parsed;
  const { statements, tableList } = parsed;
  if (statements.length !== 1) return fail(`exactly one statement is allowed; found ${statements.length}`);
  const [statement] = statements as [Node];
  if (statement.type !== 'select') {
    return fail(`only SELECT queries can be exported; this is ${String(statement.type).toUpperCase()}`);
  }
  const walk = walkTables(statement, checkNode);
  if (!walk.ok) return fail(walk.reason);
  for (const { schema } of walk.named) {
    if (schema !== null && SYSTEM_SCHEMAS.has(schema.toLowerCase())) {
      return fail(`the system schema ${schema.toLowerCase()} cannot be exported`);
    }
  }
  const missed = findMissed(tableList, walk.named);
  if (missed) return fail(`the SQL guard could not place the table ${missed} in the query; rewrite it in plainer SQL`);
  return { ok: true, tables: walk.tables };
}

function parse(sql: string): Parsed | AstResult {
  let firstError = '';
  for (const { database, parser } of DIALECTS) {
    try {
      const { ast, tableList } = parser.parse(sql, { database }) as unknown as {
        ast: Node | Node[];
        tableList: string[];
      };
      return { statements: Array.isArray(ast) ? ast : [ast], tableList };
    } catch (error) {
      // Stryker disable next-line StringLiteral: node-sql-parser throws Errors, always with a message.
      firstError ||= error instanceof Error ? (error.message.split('\n')[0] ?? '').slice(0, 200) : 'parser error';
    }
  }
  return {
    ok: false,
    reason: `the query could not be parsed as MySQL/MariaDB SQL (see docs/security.md for unsupported constructs): ${firstError}`,
  };
}

/**
 * A second, independent opinion: every table in the parser's own list must be one the walk found.
 * The list misses tables in parenthesised joins, so it cannot replace the walk; but a table it has
 * and the walk does not means the walk met a shape it does not follow, and the query is refused.
 */
export function findMissed(tableList: readonly string[], named: readonly TableRef[]): string | undefined {
  for (const entry of tableList) {
    const [kind, db = '', ...rest] = entry.split('::');
    const table = rest.join('::');
    const isFound = named.some(
      (ref) => ref.table === table && (ref.schema === db || (db === 'null' && ref.schema === null)),
    );
    if (kind !== 'select' || !isFound) return db === 'null' ? table : `${db}.${table}`;
  }
  return undefined;
}

/** What a read must never do, node by node (exported for its tests on hand-written nodes). */
export function checkNode(node: Node): string | undefined {
  switch (node.type) {
    case 'var':
      return 'variables (@name, @@name) are not allowed';
    case 'assign':
      return 'assignments (:=) are not allowed';
    case 'function':
      return checkFunction(node);
    case 'select':
      return checkSelect(node);
    default:
      return undefined;
  }
}

function checkSelect(node: Node): string | undefined {
  const into = node.into as Node | null | undefined;
  if (into?.type === 'into' || (into?.position ?? null) !== null) {
    const keyword = typeof into?.keyword === 'string' ? ` ${into.keyword.toUpperCase()}` : '';
    return `SELECT … INTO${keyword} is not allowed`;
  }
  if (node.locking_read) return 'locking reads (FOR UPDATE, LOCK IN SHARE MODE) are not allowed';
  return undefined;
}

function checkFunction(node: Node): string | undefined {
  const name = node.name as { name?: { value?: unknown }[]; schema?: { value?: unknown } } | undefined;
  if (name?.schema) return 'stored functions (schema.function()) are not allowed';
  const parts = (name?.name ?? []).map((part) => String(part.value));
  if (parts.length !== 1) return 'stored functions (schema.function()) are not allowed';
  const upper = String(parts[0]).toUpperCase();
  const reason = FORBIDDEN_FUNCTIONS.get(upper);
  return reason ? `${upper}() is not allowed: ${reason}` : undefined;
}

function fail(reason: string): AstResult {
  return { ok: false, reason };
}
