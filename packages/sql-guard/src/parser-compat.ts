import type { Token } from './lexical-check';

interface Edit {
  start: number;
  end: number;
  text: string;
}

const word = (token: Token | undefined, ...names: string[]): boolean =>
  token?.kind === 'word' && names.includes(token.text.toUpperCase());
const symbol = (token: Token | undefined, text: string): boolean => token?.kind === 'symbol' && token.text === text;

/**
 * The text the parser reads: the query with a few MariaDB constructs that node-sql-parser 5.4
 * cannot read rewritten into ones it can, so that ordinary reports are not refused. Every rewrite
 * only drops or swaps keywords, operators, numbers, two aggregate names for their synonyms, and the
 * names inside index hints and partition lists, never a table, a function call or a subquery, so the AST walk still sees everything that
 * matters; the lexical layer has already checked the original text. Anything else the parser
 * cannot read is still refused.
 */
export function toParserText(sql: string, tokens: readonly Token[]): string {
  const edits: Edit[] = [];
  const blank = (from: Token, to: Token): void => void edits.push({ start: from.start, end: to.end, text: ' ' });
  const substringDepths: number[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1];
    if (symbol(token, '(')) depth += 1;
    if (symbol(token, ')')) {
      if (substringDepths.at(-1) === depth) substringDepths.pop();
      depth -= 1;
    }
    // USE / FORCE / IGNORE INDEX|KEY [FOR JOIN | FOR ORDER BY | FOR GROUP BY] (names)
    if (word(token, 'USE', 'FORCE', 'IGNORE') && word(next, 'INDEX', 'KEY')) {
      let j = i + 2;
      if (word(tokens[j], 'FOR')) j += word(tokens[j + 1], 'JOIN') ? 2 : 3;
      const close = closingParen(tokens, j);
      if (close !== undefined) {
        blank(token, tokens[close] as Token);
        i = close;
      }
    } else if (word(token, 'PARTITION') && symbol(next, '(')) {
      // A partition list after a table name (a window's PARTITION BY is left alone).
      const close = closingParen(tokens, i + 1);
      if (close !== undefined) {
        blank(token, tokens[close] as Token);
        i = close;
      }
    } else if (word(token, 'NATURAL') && word(next, 'JOIN', 'LEFT', 'RIGHT')) {
      blank(token, token);
    } else if (word(token, 'STRAIGHT_JOIN') && word(tokens[i - 1], 'SELECT', 'DISTINCT', 'ALL')) {
      blank(token, token);
    } else if (word(token, 'SOUNDS') && word(next, 'LIKE')) {
      blank(token, token);
    } else if (word(token, 'ROWS') && word(next, 'EXAMINED') && /^\d+$/.test(tokens[i + 2]?.text ?? '')) {
      blank(token, tokens[i + 2] as Token);
      i += 2;
    } else if (
      word(token, 'TRUE', 'FALSE', 'UNKNOWN') &&
      (word(tokens[i - 1], 'IS') || (word(tokens[i - 1], 'NOT') && word(tokens[i - 2], 'IS')))
    ) {
      // x IS [NOT] TRUE: the parser reads IS [NOT] NULL, the same shape.
      edits.push({ start: token.start, end: token.end, text: 'NULL' });
    } else if (
      symbol(token, '<') &&
      symbol(next, '=') &&
      symbol(tokens[i + 2], '>') &&
      tokens[i + 2]?.start === token.start + 2
    ) {
      edits.push({ start: token.start, end: token.start + 3, text: '=' });
      i += 2;
    } else if (word(token, 'BINARY') && (next?.kind === 'word' || next?.kind === 'identifier')) {
      // The BINARY operator before a column (not CAST(… AS BINARY) or BINARY(n)).
      blank(token, token);
    } else if (word(token, 'DISTINCT') && symbol(tokens[i - 1], '(') && word(tokens[i - 2], 'MAX', 'MIN')) {
      blank(token, token);
    } else if (word(token, 'VARIANCE', 'STD') && symbol(next, '(')) {
      // Their synonyms, which the parser knows.
      edits.push({ start: token.start, end: token.end, text: word(token, 'STD') ? 'STDDEV_POP' : 'VAR_POP' });
    } else if (word(token, 'SUBSTRING', 'SUBSTR', 'MID') && symbol(next, '(')) {
      substringDepths.push(depth + 1);
    } else if (word(token, 'FROM', 'FOR') && substringDepths.at(-1) === depth) {
      // SUBSTRING(s FROM a FOR b) is SUBSTRING(s, a, b).
      edits.push({ start: token.start, end: token.end, text: ',' });
    }
  }
  let text = sql;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  }
  return text;
}

/** The index of the `)` closing a list of plain names that opens at `open`; undefined for anything else. */
function closingParen(tokens: readonly Token[], open: number): number | undefined {
  if (!symbol(tokens[open], '(')) return undefined;
  for (let j = open + 1; j < tokens.length; j += 1) {
    const token = tokens[j] as Token;
    if (symbol(token, ')')) return j;
    if (!(token.kind === 'word' || token.kind === 'identifier' || symbol(token, ','))) return undefined;
  }
  return undefined;
}
