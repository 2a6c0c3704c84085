import { AppError } from '@fluxquery/errors';
import { checkAst } from './ast-check';
import { checkLexical } from './lexical-check';
import { toParserText } from './parser-compat';

export const MAX_QUERY_LENGTH = 100_000;

export interface SelectPolicy {
  /** The connection's database: where unqualified tables live. */
  defaultSchema?: string;
  /** Schemas the caller may read (exact names, as MariaDB on Linux compares them). Absent: any but the system schemas. */
  allowedSchemas?: readonly string[];
}

/**
 * The SQL guard, in two layers that each refuse on their own: the lexical layer (what the server's
 * lexer sees and a parser cannot), then the parse layer (one SELECT, and a walk of its tree).
 * Refusals are INVALID_QUERY (400) with a reason the caller can act on; a table outside the
 * caller's schemas is SCHEMA_NOT_ALLOWED (403). The database account and session are the layers
 * behind this one (docs/security.md).
 */
export function checkSelectQuery(sql: string, policy: SelectPolicy = {}): void {
  if (sql.trim() === '') throw invalid('the query is empty');
  if (sql.length > MAX_QUERY_LENGTH) throw invalid(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  const ast = checkLayers(sql);
  if (!ast.ok) throw invalid(ast.reason);
  if (!policy.allowedSchemas) return;
  const allowed = new Set(policy.allowedSchemas);
  for (const { schema, table } of ast.tables) {
    const effective = schema ?? policy.defaultSchema;
    if (effective === undefined || !allowed.has(effective)) {
      throw new AppError(
        'SCHEMA_NOT_ALLOWED',
        schema === null
          ? `the table ${table} is in the connection's database, which this key may not read`
          : `the schema ${schema} is not among the schemas this key may read`,
      );
    }
  }
}

function checkLayers(sql: string): ReturnType<typeof checkAst> {
  try {
    const lexical = checkLexical(sql);
    if (!lexical.ok) return lexical;
    return checkAst(toParserText(sql, lexical.tokens));
  } catch (error) {
    // A second fence: whatever the parser's depth, a query too deep to check is refused, never a 500.
    if (error instanceof RangeError) return { ok: false, reason: 'the query is nested too deeply to be checked' };
    throw error;
  }
}

function invalid(message: string): AppError {
  return new AppError('INVALID_QUERY', message);
}
