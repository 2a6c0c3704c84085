import { FORBIDDEN_FUNCTIONS, SYSTEM_SCHEMAS } from './rules';

export interface Token {
  kind: 'word' | 'identifier' | 'string' | 'symbol';
  /** Words and symbols as written; a `quoted` identifier without its backticks. */
  text: string;
  /** Where the token sits in the query: [start, end). */
  start: number;
  end: number;
}

export type LexicalResult = { ok: true; tokens: Token[] } | { ok: false; reason: string };

const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;
// Deeper than any report needs, and a bound on the work of every later layer: 20,000 nested
// parentheses in a FROM clause cost the parser-compat rewrites and the parser 97 s of CPU before.
export const MAX_NESTING = 200;
const isSpaceOrControl = (ch: string | undefined): boolean => ch === undefined || ch <= ' ';

/**
 * Reads the text as MariaDB's own lexer does (default sql_mode, which the worker's session sets):
 * quotes with backslash escapes and doubled quotes, backtick identifiers, `#`, `-- ` and `/* *\/`
 * comments. This is the layer that sees what the parser cannot: executable comments and hints,
 * which the server runs but a parser skips, and `--` without a space, which a parser reads as a
 * comment but the server reads as two minus signs (`SELECT 1--1, LOAD_FILE(…)` would otherwise
 * hide the call from the parser). Its tokens also feed an independent check for system schemas,
 * forbidden functions and variables, so one parser bug cannot open the door alone.
 */
export function checkLexical(sql: string): LexicalResult {
  if (sql.includes('\u0000')) return fail('the query contains a NUL byte');
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch <= ' ') {
      i += 1;
    } else if (ch === '#') {
      i = lineEnd(sql, i);
    } else if (ch === '-' && next === '-') {
      if (!isSpaceOrControl(sql[i + 2])) {
        return fail('"--" starts a comment only when a space follows it; write "- -" for two minus signs');
      }
      i = lineEnd(sql, i);
    } else if (ch === '/' && next === '*') {
      if (/^\/\*\s*(!|M!|\+)/i.test(sql.slice(i, i + 8))) {
        return fail('executable comments and optimizer hints (/*! … */, /*M! … */, /*+ … */) are not allowed');
      }
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) return fail('a /* comment is not closed');
      i = end + 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const end = quoteEnd(sql, i);
      if (end === -1) return fail(`a ${ch} quote is not closed`);
      const body = sql.slice(i + 1, end - 1);
      const kind = ch === '`' ? 'identifier' : 'string';
      tokens.push({ kind, text: kind === 'identifier' ? body.replaceAll('``', '`') : '', start: i, end });
      i = end;
    } else if (WORD.test(ch)) {
      let end = i + 1;
      while (end < sql.length && WORD.test(sql[end] as string)) end += 1;
      tokens.push({ kind: 'word', text: sql.slice(i, end), start: i, end });
      i = end;
    } else {
      tokens.push({ kind: 'symbol', text: ch, start: i, end: i + 1 });
      depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
      if (depth > MAX_NESTING) return fail(`the query is nested more than ${MAX_NESTING} parentheses deep`);
      i += 1;
    }
  }
  const reason = findForbiddenTokens(tokens);
  return reason ? fail(reason) : { ok: true, tokens };
}

function findForbiddenTokens(tokens: Token[]): string | undefined {
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1];
    if (token.kind === 'symbol' && token.text === '@') return 'variables (@name, @@name) are not allowed';
    // Strings have no text here, and no symbol is a schema or a function name: the checks below
    // find nothing in them.
    const name = token.text.toLowerCase();
    if (next?.text === '.' && SYSTEM_SCHEMAS.has(name)) return `the system schema ${name} cannot be exported`;
    if (
      token.kind === 'word' &&
      /^(next|previous)$/i.test(name) &&
      next?.kind === 'word' &&
      /^value$/i.test(next.text)
    ) {
      return `${token.text.toUpperCase()} VALUE FOR is not allowed: it reads or moves a sequence`;
    }
    const upper = name.toUpperCase();
    const reason = FORBIDDEN_FUNCTIONS.get(upper);
    if (reason === undefined) continue;
    if (next?.text === '(') return `${upper}() is not allowed: ${reason}`;
    // MariaDB reads these two as function calls even without parentheses.
    if (token.kind === 'word' && (upper === 'CURRENT_USER' || upper === 'CURRENT_ROLE')) {
      return `${upper} is not allowed: ${reason}`;
    }
  }
  return undefined;
}

function lineEnd(sql: string, from: number): number {
  const end = sql.indexOf('\n', from);
  return end === -1 ? sql.length : end + 1;
}

/** Index just past the closing quote, or -1. Backticks have no backslash escapes; strings do. */
function quoteEnd(sql: string, start: number): number {
  const quote = sql[start];
  // Stryker disable next-line EqualityOperator: at sql.length the character is undefined and matches nothing; the loop ends the same.
  for (let i = start + 1; i < sql.length; i += 1) {
    const ch = sql[i];
    if (ch === '\\' && quote !== '`') {
      i += 1;
    } else if (ch === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 1;
    }
  }
  return -1;
}

function fail(reason: string): LexicalResult {
  return { ok: false, reason };
}
