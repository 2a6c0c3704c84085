import { checkNode, findMissed } from './ast-check';
import { walkTables, type Node } from './table-walk';

// The walk on trees written by hand, in the shapes node-sql-parser produces and in shapes it might
// produce one day: a shape the walk does not know must refuse the query, never let it through.
const none = (): undefined => undefined;
const walk = (root: unknown) => walkTables(root, none);
const select = (fields: Node): Node => ({ type: 'select', ...fields });
const table = (name: string, db?: string): Node => ({ table: name, ...(db === undefined ? {} : { db }) });
const tablesOf = (root: unknown) => {
  const result = walk(root);
  return result.ok ? result.tables.map((t) => `${t.schema ?? '-'}.${t.table}`) : result.reason;
};

describe('the table walk', () => {
  it('finds tables in a FROM list, a parenthesised FROM with its joins, and anywhere below', () => {
    const tree = select({
      from: { expr: [table('a'), table('b', 's')], parentheses: { length: 1 }, joins: [table('c', 's')] },
      where: { type: 'binary_expr', right: { ast: select({ from: [table('d', 'x')] }) } },
    });
    expect(tablesOf(tree)).toEqual(['-.a', 's.b', 's.c', 'x.d']);
  });

  it('takes an empty schema for none, and a column qualifier for no table', () => {
    const tree = select({
      columns: [{ expr: { type: 'column_ref', db: 'x', table: 'secret', column: 'c' } }],
      from: [table('a', '')],
    });
    expect(tablesOf(tree)).toEqual(['-.a']);
  });

  it.each([
    ['a table that is an object', select({ where: { table: { name: 't' } } }), /a table that is not a plain name/],
    ['a table that is an object in FROM', select({ from: [{ table: { name: 't' } }] }), /a FROM item/],
    ['a schema that is a number', select({ from: [{ table: 't', db: 7 }] }), /a schema that is not a plain name/],
    ['a schema with no table', select({ where: { table: null, db: 'secret' } }), /a schema with no table/],
    ['an unknown FROM item', select({ from: [{ lateral: table('t') }] }), /a FROM item/],
    [
      'an unknown item in a FROM group',
      select({ from: { expr: [{ x: 1 }], parentheses: {}, joins: [] } }),
      /a FROM item/,
    ],
    [
      'an unknown item among its joins',
      select({ from: { expr: [], parentheses: {}, joins: [{ x: 1 }] } }),
      /a FROM item/,
    ],
    ['an unknown item in a nested group', select({ from: [{ expr: [{ x: 1 }], parentheses: {} }] }), /a FROM item/],
  ])('refuses %s, saying it cannot tell the tables', (_case, tree, reason) => {
    const result = walk(tree);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    if (!result.ok) expect(result.reason).toMatch(/in a shape the SQL guard does not know/);
  });

  it('takes a node whose table is null or missing, with no schema, for no table at all', () => {
    const tree = select({
      columns: [{ expr: { type: 'star', table: null } }, { expr: { table: undefined, db: null } }],
      from: [table('a')],
    });
    expect(tablesOf(tree)).toEqual(['-.a']);
    expect(tablesOf(select({ where: { table: 't', db: null }, from: [table('a', undefined)] }))).toEqual([
      '-.t',
      '-.a',
    ]);
    expect(tablesOf(select({ where: { table: undefined, db: 'secret' } }))).toMatch(/a schema with no table/);
  });

  it.each([
    ['no expression', {}],
    ['a null expression', { expr: null }],
    ['an expression that is text', { expr: 'users' }],
    ['a subquery that is null', { expr: { ast: null } }],
    ['a subquery that is text', { expr: { ast: 'SELECT 1' } }],
  ])('refuses a FROM item with %s', (_case, item) => {
    expect(tablesOf(select({ from: [item] }))).toMatch(/a FROM item in a shape the SQL guard does not know/);
  });

  it('accepts the FROM items it knows: a table, a derived table, a group, DUAL', () => {
    const tree = select({
      from: [table('a'), { expr: { ast: select({ from: [table('b')] }) }, as: 'd' }, { type: 'dual' }],
    });
    expect(tablesOf(tree)).toEqual(['-.a', '-.b']);
    // An array named expr, or joins, outside a FROM group is no list of FROM items.
    expect(tablesOf(select({ columns: [{ expr: [{ x: 1 }] }] }))).toEqual([]);
    expect(tablesOf(select({ columns: [{ joins: [{ x: 1 }] }] }))).toEqual([]);
  });

  it('stops at the first node the check refuses', () => {
    const check = (node: Node) => (node.type === 'var' ? 'variables are not allowed' : undefined);
    expect(walkTables(select({ columns: [{ type: 'var' }], from: [table('a')] }), check)).toEqual({
      ok: false,
      reason: 'variables are not allowed',
    });
  });
});

describe('CTE scopes', () => {
  const cte = (name: string, body: Node, recursive = false): Node => ({
    name: { type: 'default', value: name },
    stmt: { ast: body },
    ...(recursive ? { recursive: true } : {}),
  });

  it('hides a CTE name from the tables where it is in scope, and names it for the cross-check', () => {
    const tree = select({ with: [cte('Recent', select({ from: [table('t')] }))], from: [table('recent')] });
    expect(tablesOf(tree)).toEqual(['-.t']);
    const result = walk(tree);
    expect(result.ok && result.named.map((t) => t.table)).toEqual(['t', 'recent']);
  });

  it('lets a CTE see the ones before it, not itself or later ones (without RECURSIVE)', () => {
    const tree = select({
      with: [cte('a', select({ from: [table('a'), table('b')] })), cte('b', select({ from: [table('a')] }))],
      from: [table('b')],
    });
    // In a's body, a and b are tables; in b's body, a is the CTE; the query reads the CTE b.
    expect(tablesOf(tree)).toEqual(['-.a', '-.b']);
  });

  it('lets every CTE see every one with RECURSIVE', () => {
    const tree = select({ with: [cte('r', select({ from: [table('r'), table('s')] }), true), cte('s', select({}))] });
    expect(tablesOf(tree)).toEqual([]);
  });

  it('keeps a CTE out of a set operation beside its parenthesised query, and in one that follows a plain one', () => {
    const inside = select({ with: [cte('a', select({}))], from: [table('a')] });
    expect(tablesOf({ ...inside, parentheses_symbol: true, _next: select({ from: [table('a')] }) })).toEqual(['-.a']);
    expect(tablesOf({ ...inside, _next: select({ from: [table('a')] }) })).toEqual([]);
    // The parenthesised query's own FROM keeps its CTE; only what follows it loses it.
    const reading = select({ with: [cte('a', select({}))], from: [table('a'), table('q')] });
    expect(tablesOf({ ...reading, parentheses_symbol: true, _next: select({ from: [table('a')] }) })).toEqual([
      '-.q',
      '-.a',
    ]);
  });

  it('keeps a CTE in a subquery out of the query around it', () => {
    const tree = select({
      from: [table('users')],
      where: { ast: select({ with: [cte('users', select({}))], from: [table('users')] }) },
    });
    expect(tablesOf(tree)).toEqual(['-.users']);
  });

  it.each([
    ['no name', {}],
    ['a name that is not text', { name: { value: 7 } }],
  ])('refuses a CTE with %s, which could hide any table', (_case, fields) => {
    const tree = select({ with: [{ ...fields, stmt: { ast: select({}) } }], from: [table('t')] });
    expect(tablesOf(tree)).toMatch(/a CTE name in a shape the SQL guard does not know/);
  });

  it('never takes a schema-qualified name for a CTE', () => {
    expect(tablesOf(select({ with: [cte('payroll', select({}))], from: [table('payroll', 'secret')] }))).toEqual([
      'secret.payroll',
    ]);
  });
});

describe("the parser's own table list", () => {
  const named = [
    { schema: null, table: 'a' },
    { schema: 's', table: 'b' },
  ];

  it('agrees when every table it lists was found', () => {
    expect(findMissed(['select::null::a', 'select::s::b'], named)).toBeUndefined();
    expect(findMissed([], named)).toBeUndefined();
  });

  it('names the first table it lists that the walk did not find, or a table of another kind of statement', () => {
    expect(findMissed(['select::null::a', 'select::s::c'], named)).toBe('s.c');
    expect(findMissed(['select::null::b'], named)).toBe('b');
    expect(findMissed(['select::x::a'], named)).toBe('x.a');
    expect(findMissed(['update::null::a'], named)).toBe('a');
    expect(findMissed(['select::s::b::c'], [{ schema: 's', table: 'b::c' }])).toBeUndefined();
  });
});

describe('the checks on each node', () => {
  it('refuses SELECT … INTO by its type or by its position alone', () => {
    expect(checkNode({ type: 'select', into: { type: 'into', keyword: 'outfile', position: 'from' } })).toBe(
      'SELECT … INTO OUTFILE is not allowed',
    );
    expect(checkNode({ type: 'select', into: { position: 'end' } })).toBe('SELECT … INTO is not allowed');
    expect(checkNode({ type: 'select', into: { type: 'into' } })).toBe('SELECT … INTO is not allowed');
    expect(checkNode({ type: 'select', into: { position: null } })).toBeUndefined();
    expect(checkNode({ type: 'select', into: {} })).toBeUndefined();
    expect(checkNode({ type: 'select' })).toBeUndefined();
  });

  it('refuses variables and assignments, which the lexical layer also refuses', () => {
    expect(checkNode({ type: 'var', name: 'a' })).toBe('variables (@name, @@name) are not allowed');
    expect(checkNode({ type: 'assign' })).toBe('assignments (:=) are not allowed');
    expect(checkNode({ type: 'column_ref' })).toBeUndefined();
  });

  it('refuses a function with no name or a name in several parts, as a stored function', () => {
    const stored = 'stored functions (schema.function()) are not allowed';
    const part = (value: string) => ({ type: 'default', value });
    expect(checkNode({ type: 'function' })).toBe(stored);
    expect(checkNode({ type: 'function', name: { name: [] } })).toBe(stored);
    expect(checkNode({ type: 'function', name: { name: [part('s'), part('f')] } })).toBe(stored);
    expect(checkNode({ type: 'function', name: { name: [part('f')], schema: part('s') } })).toBe(stored);
    expect(checkNode({ type: 'function', name: { name: [part('upper')] } })).toBeUndefined();
    expect(checkNode({ type: 'function', name: { name: [part('sleep')] } })).toMatch(/^SLEEP\(\) is not allowed: /);
  });
});
