// The SQL guard: a lexer with MariaDB's quoting rules, then a walk over the parsed tree that finds
// every table (table-walk.ts) and refuses what a read must never do; the key's schemas checked
// against what it found. Imports request-rules (the query length) and errors.
export { checkSelectQuery, type SelectPolicy } from './check-select';
export { checkLexical, type LexicalResult, type Token } from './lexical-check';
export { toParserText } from './parser-compat';
export { checkAst, type AstResult, type TableRef } from './ast-check';
