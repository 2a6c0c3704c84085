export { checkSelectQuery, type SelectPolicy } from './check-select';
export { checkLexical, type LexicalResult, type Token } from './lexical-check';
export { toParserText } from './parser-compat';
export { checkAst, type AstResult, type TableRef } from './ast-check';
