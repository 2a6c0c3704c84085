import type { Token } from './lexical-check';

interface Edit {
  start: number;
  end: number;
  text: string;
}

const word = (token: Token | undefined, ...names: string[]): boolean =>
  token?.kind === 'word' && names.includes(token.text.toUpperCase());
const symbol = (token: Token | undefined, text: string): boolean => token?.kind === 'symbol' && token.text === text;
const isNumber = (token: Token | undefined): boolean => token?.kind === 'word' && /^\d+$/.test(token.text);

/**
 * The text the parser reads: the query with a few MariaDB constructs that node-sql-parser 5.4
 * cannot read rewritten into ones it can, so that ordinary reports are not refused. Every rewrite
 * only drops or swaps keywords, operators, numbers, two aggregate names for their synonyms, and the
 * names inside index hints and partition lists, never a table, a function call or a subquery, so the AST walk still sees everything that
 * matters; the lexical layer has already checked the original text. Anything else the parser
 * cannot read is still refused.
 */
// eslint-disable-next-line max-lines-per-function -- one pass over the tokens, one short branch per rewrite (each tested text for text in parser-compat.test.ts)
export function toParserText(sql: string, tokens: readonly Token[]): string {
  const edits: Edit[] = [];
  const blank = (from: Token, to: Token): void => void edits.push({ start: from.start, end: to.end, text: ' ' });
  const substringDepths: number[] = [];
  let depth = 0;
  // Stryker disable next-line EqualityOperator: past the end the token is undefined and no rule matches it.
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
    } else if (word(token, 'ROWS') && word(next, 'EXAMINED') && isNumber(tokens[i + 2])) {
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
    } else if (word(token, 'ALL', 'DISTINCT') && word(tokens[i - 1], 'INTERSECT', 'EXCEPT')) {
      // INTERSECT ALL, EXCEPT ALL (MariaDB 10.5+) and the DISTINCT defaults: same operands.
      blank(token, token);
    } else if (word(token, 'SUBSTRING', 'SUBSTR', 'MID') && symbol(next, '(')) {
      substringDepths.push(depth + 1);
    } else if (word(token, 'FROM', 'FOR') && substringDepths.at(-1) === depth) {
      // SUBSTRING(s FROM a FOR b) is SUBSTRING(s, a, b).
      edits.push({ start: token.start, end: token.end, text: ',' });
    }
  }
  edits.push(...wrapSetOperations(tokens), ...wrapFromGroups(tokens));
  let text = sql;
  // Stable for equal starts: a wrap's opening goes in before anything that starts at its `(`.
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

const SET_OPERATORS = ['UNION', 'INTERSECT', 'EXCEPT'];

/**
 * A parenthesised set operation (`… UNION ALL (SELECT … UNION SELECT …)`, `(… EXCEPT …) UNION …`),
 * which MariaDB runs and the parser cannot read, becomes a derived table the parser can:
 * `(SELECT * FROM (…) AS fq_set_1)`. The text inside is untouched, so the walk sees every table
 * and call in it; only the parser's copy changes, never the query that runs.
 */
function wrapSetOperations(tokens: readonly Token[]): Edit[] {
  const edits: Edit[] = [];
  const startsQuery = queryStarts(tokens);
  // For each open parenthesis: where it is, and whether a set operator stands at its own level.
  const opens: { at: number; hasSetOperator: boolean }[] = [];
  let count = 0;
  tokens.forEach((token, i) => {
    if (symbol(token, '(')) opens.push({ at: i, hasSetOperator: false });
    const innermost = opens.at(-1);
    if (innermost && word(token, ...SET_OPERATORS)) innermost.hasSetOperator = true;
    if (!symbol(token, ')')) return;
    const open = opens.pop();
    if (!open || !startsQuery[open.at + 1] || !open.hasSetOperator) return;
    count += 1;
    const first = tokens[open.at] as Token;
    edits.push({ start: first.start, end: first.end, text: '(SELECT * FROM (' });
    edits.push({ start: token.start, end: token.end, text: `) AS fq_set_${count})` });
  });
  return edits;
}

/**
 * For each token index: whether a query (SELECT or WITH, after any opening parentheses) starts
 * there. One pass from the end, so that a run of parentheses costs no more than its length.
 */
function queryStarts(tokens: readonly Token[]): boolean[] {
  // Stryker disable next-line BooleanLiteral: only a `(` that ends the text reads it, and no `)` follows that one.
  let startsHere = false;
  const starts = [...tokens].reverse().map((token) => {
    startsHere = symbol(token, '(') ? startsHere : word(token, 'SELECT', 'WITH');
    return startsHere;
  });
  return starts.reverse();
}

// SUBSTRING(s FROM 2), TRIM(x FROM s), EXTRACT(YEAR FROM d): a FROM that starts no table list.
const FROM_ARGUMENT_FUNCTIONS = ['SUBSTRING', 'SUBSTR', 'MID', 'TRIM', 'EXTRACT', 'POSITION'];
// Words that end a FROM clause at its own depth.
const AFTER_FROM = ['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'WINDOW', 'FOR', 'LOCK', 'INTO', 'PROCEDURE'];

/**
 * A parenthesised group in a FROM clause (`FROM (a, b)`, `a JOIN (b JOIN c ON …) ON …`,
 * `((a JOIN b ON …) JOIN c ON …)`), which MariaDB reads and the parser reads only at the top level
 * and one deep, becomes a derived table over the same items: `(SELECT * FROM a, b) AS fq_group_1`.
 * Every table and condition in it stays in the parser's copy, in the same CTE scope.
 */
function wrapFromGroups(tokens: readonly Token[]): Edit[] {
  const edits: Edit[] = [];
  const startsQuery = queryStarts(tokens);
  // For each open parenthesis depth: whether a FROM list is being read there.
  const isFromList: boolean[] = [];
  // For each depth: whether its parenthesis holds a function's arguments that use FROM as a word.
  const isFromArgument: boolean[] = [];
  const groups: { open: number; depth: number }[] = [];
  let depth = 0;
  let count = 0;
  tokens.forEach((token, i) => {
    const previous = tokens[i - 1];
    if (symbol(token, '(')) {
      const startsItem =
        isFromList[depth] === true &&
        (word(previous, 'FROM', 'JOIN', 'STRAIGHT_JOIN') || symbol(previous, ',') || isOpenGroup(groups, i - 1));
      depth += 1;
      isFromList[depth] = false;
      isFromArgument[depth] = word(previous, ...FROM_ARGUMENT_FUNCTIONS);
      if (startsItem && !startsQuery[i + 1]) {
        groups.push({ open: i, depth });
        isFromList[depth] = true;
      }
    } else if (symbol(token, ')')) {
      const group = groups.at(-1);
      if (group?.depth === depth) {
        groups.pop();
        count += 1;
        edits.push({
          start: (tokens[group.open] as Token).start,
          end: (tokens[group.open] as Token).end,
          text: '(SELECT * FROM ',
        });
        edits.push({ start: token.start, end: token.end, text: `) AS fq_group_${count}` });
      }
      depth -= 1;
    } else if (word(token, 'FROM') && isFromList[depth] !== true && isFromArgument[depth] !== true) {
      isFromList[depth] = true;
    } else if (word(token, ...AFTER_FROM, ...SET_OPERATORS, 'SELECT')) {
      isFromList[depth] = false;
    }
  });
  return edits;
}

function isOpenGroup(groups: readonly { open: number }[], index: number): boolean {
  return groups.at(-1)?.open === index;
}
