export { checkSelectQuery, MAX_QUERY_LENGTH, type SelectPolicy } from './check-select';
export { checkLexical, type LexicalResult } from './lexical-check';
export { checkAst, type AstResult, type TableRef } from './ast-check';
