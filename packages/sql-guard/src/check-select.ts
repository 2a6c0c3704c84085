import { AppError } from '@fluxquery/errors';
import { Parser } from 'node-sql-parser';

const parser = new Parser();

// MariaDB executes /*! … */ and /*M! … */ comments, and reads /*+ … */ as optimizer hints;
// a parser sees only a comment, so these never get past the lexical check.
const EXECUTABLE_COMMENT = /\/\*\s*(!|M!|\+)/i;
const MAX_QUERY_LENGTH = 100_000;

interface SelectNode {
  type?: string;
  into?: { type?: string; keyword?: string } | null;
  locking_read?: unknown;
  _next?: SelectNode;
}

/**
 * The first, basic layer of the SQL guard: exactly one SELECT statement (UNION and CTEs included),
 * no executable comments, no INTO, no locking read. It refuses with INVALID_QUERY and a reason the
 * caller can act on. It is not the only defence: the worker also runs the query in a read-only
 * transaction with a time limit.
 */
export function checkSelectQuery(sql: string): void {
  if (sql.trim() === '') throw invalid('the query is empty');
  if (sql.length > MAX_QUERY_LENGTH) throw invalid(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  if (sql.includes('\u0000')) throw invalid('the query contains a NUL byte');
  if (EXECUTABLE_COMMENT.test(sql)) {
    throw invalid('executable comments and optimizer hints (/*! … */, /*M! … */, /*+ … */) are not allowed');
  }
  const statements = parseStatements(sql);
  if (statements.length !== 1) throw invalid(`exactly one statement is allowed; found ${statements.length}`);
  const [statement] = statements as [SelectNode];
  if (statement.type !== 'select') {
    throw invalid(`only SELECT queries can be exported; this is ${String(statement.type).toUpperCase()}`);
  }
  for (let part: SelectNode | undefined = statement; part; part = part._next) {
    if (part.into?.type === 'into') throw invalid(`SELECT … INTO ${part.into.keyword ?? ''} is not allowed`);
    if (part.locking_read) throw invalid('locking reads (FOR UPDATE, LOCK IN SHARE MODE) are not allowed');
  }
}

function parseStatements(sql: string): SelectNode[] {
  try {
    const ast = parser.astify(sql, { database: 'MySQL' }) as SelectNode | SelectNode[];
    return Array.isArray(ast) ? ast : [ast];
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) : 'unknown parser error';
    throw invalid(`the query could not be parsed as MySQL SQL: ${reason}`);
  }
}

function invalid(message: string): AppError {
  return new AppError('INVALID_QUERY', message);
}
