import { Parser as MariaDbParser } from 'node-sql-parser/build/mariadb';
import { Parser as MySqlParser } from 'node-sql-parser/build/mysql';
import { FORBIDDEN_FUNCTIONS, SYSTEM_SCHEMAS } from './rules';

// MySQL's grammar first (it reads LOCK IN SHARE MODE and CURRENT_USER, which the MariaDB one
// rejects), then MariaDB's for what only MariaDB has. Either tree has the same shape. The two
// dialects' own builds, not the package's index with all of its 15 grammars: 5.5 MB less memory in
// every api and worker process, and less start-up.
const DIALECTS = [
  { database: 'MySQL', parser: new MySqlParser() },
  { database: 'MariaDB', parser: new MariaDbParser() },
] as const;

export interface TableRef {
  /** As written; null when unqualified (the connection's database, or a CTE). */
  schema: string | null;
  table: string;
}

export type AstResult = { ok: true; tables: TableRef[] } | { ok: false; reason: string; isParseError?: boolean };

type Node = Record<string, unknown>;

/**
 * The parse layer: exactly one statement, a SELECT (UNION, CTEs, subqueries and window functions
 * included), then a walk over every node of its tree for what a read must never do. It returns
 * the tables read, for the schema rules.
 */
export function checkAst(sql: string): AstResult {
  const statements = parse(sql);
  if (!Array.isArray(statements)) return statements;
  if (statements.length !== 1) return fail(`exactly one statement is allowed; found ${statements.length}`);
  const [statement] = statements as [Node];
  if (statement.type !== 'select') {
    return fail(`only SELECT queries can be exported; this is ${String(statement.type).toUpperCase()}`);
  }
  const tables: TableRef[] = [];
  const cteNames = new Set<string>();
  const reason = walk(statement, tables, cteNames);
  if (reason) return fail(reason);
  return { ok: true, tables: tables.filter((t) => t.schema !== null || !cteNames.has(t.table.toLowerCase())) };
}

function parse(sql: string): Node[] | AstResult {
  let firstError = '';
  for (const { database, parser } of DIALECTS) {
    try {
      const ast = parser.astify(sql, { database }) as unknown as Node | Node[];
      return Array.isArray(ast) ? ast : [ast];
    } catch (error) {
      firstError ||= error instanceof Error ? (error.message.split('\n')[0] ?? '').slice(0, 200) : 'parser error';
    }
  }
  return {
    ok: false,
    isParseError: true,
    reason: `the query could not be parsed as MySQL/MariaDB SQL (see docs/security.md for unsupported constructs): ${firstError}`,
  };
}

/**
 * Depth-first over every object in the tree, in document order; the first forbidden node ends the
 * walk. An explicit stack, not recursion: `1 + 1 + … + 1` parses into a chain as deep as it is long,
 * and a recursive walk of 12,000 terms overflowed the call stack (a 500).
 */
function walk(root: unknown, tables: TableRef[], cteNames: Set<string>): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value as Node);
    if (!Array.isArray(value)) {
      const reason = checkNode(value as Node, tables, cteNames);
      if (reason) return reason;
    }
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]);
  }
  return undefined;
}

function checkNode(node: Node, tables: TableRef[], cteNames: Set<string>): string | undefined {
  switch (node.type) {
    case 'var':
      return 'variables (@name, @@name) are not allowed';
    case 'assign':
      return 'assignments (:=) are not allowed';
    case 'function':
      return checkFunction(node);
    case 'select':
      return checkSelect(node, tables, cteNames);
    default:
      return undefined;
  }
}

function checkSelect(node: Node, tables: TableRef[], cteNames: Set<string>): string | undefined {
  const into = node.into as Node | null | undefined;
  if (into?.type === 'into' || (into?.position ?? null) !== null) {
    return `SELECT … INTO ${typeof into?.keyword === 'string' ? into.keyword.toUpperCase() : ''} is not allowed`;
  }
  if (node.locking_read) return 'locking reads (FOR UPDATE, LOCK IN SHARE MODE) are not allowed';
  for (const cte of asArray(node.with)) {
    const name = ((cte as Node).name as Node | undefined)?.value;
    if (typeof name === 'string') cteNames.add(name.toLowerCase());
  }
  for (const item of asArray(node.from)) {
    const from = item as Node;
    if (typeof from.table !== 'string') continue;
    const schema = typeof from.db === 'string' && from.db !== '' ? from.db : null;
    if (schema !== null && SYSTEM_SCHEMAS.has(schema.toLowerCase())) {
      return `the system schema ${schema.toLowerCase()} cannot be exported`;
    }
    tables.push({ schema, table: from.table });
  }
  return undefined;
}

function checkFunction(node: Node): string | undefined {
  const name = node.name as { name?: { value?: unknown }[]; schema?: { value?: unknown } } | undefined;
  if (name?.schema) return 'stored functions (schema.function()) are not allowed';
  const parts = (name?.name ?? []).map((part) => String(part.value));
  if (parts.length !== 1) return 'stored functions (schema.function()) are not allowed';
  const upper = (parts[0] ?? '').toUpperCase();
  const reason = FORBIDDEN_FUNCTIONS.get(upper);
  return reason ? `${upper}() is not allowed: ${reason}` : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function fail(reason: string): AstResult {
  return { ok: false, reason };
}
