export interface TableRef {
  /** As written; null when unqualified (the connection's database). */
  schema: string | null;
  table: string;
}

export type Node = Record<string, unknown>;

/** Checks one node of the tree for what a read must never do; a reason refuses the query. */
export type NodeCheck = (node: Node) => string | undefined;

export type WalkResult =
  | {
      ok: true;
      /** Every table the query reads (a CTE's name where that CTE is in scope is not a table). */
      tables: TableRef[];
      /** Every name in a table position, CTE names included: what the parser's own list is compared with. */
      named: TableRef[];
    }
  | { ok: false; reason: string };

interface Visit {
  value: unknown;
  /** The CTE names in scope here, in lower case. */
  ctes: ReadonlySet<string>;
  /** The value stands where a FROM clause names what it reads. */
  isFromItem: boolean;
}

/**
 * Every node and every child of node-sql-parser's tree, whatever its shape: a table is any node
 * with a `table` name that is not a column's qualifier, wherever the parser puts it (a FROM list,
 * a parenthesised FROM, nested joins, derived tables, CTEs, subqueries in any clause, set
 * operations at any depth). It does not list where tables may be; it fails closed instead: a
 * `table` that is not a plain name, or a FROM item of a shape it does not know, refuses the query.
 * An explicit stack, not recursion: `1 + 1 + … + 1` parses into a chain as deep as it is long, and
 * a recursive walk of 12,000 terms overflowed the call stack (a 500).
 */
export function walkTables(root: unknown, check: NodeCheck): WalkResult {
  const tables: TableRef[] = [];
  const named: TableRef[] = [];
  const stack: Visit[] = [{ value: root, ctes: new Set(), isFromItem: false }];
  while (stack.length > 0) {
    const { value, ctes, isFromItem } = stack.pop() as Visit;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      // Pushed last to first, so that they are visited (and their tables listed) in query order.
      for (const item of [...(value as unknown[])].reverse()) stack.push({ value: item, ctes, isFromItem });
      continue;
    }
    const node = value as Node;
    const reason =
      check(node) ?? (isFromItem ? checkFromItem(node) : undefined) ?? readTable(node, ctes, tables, named);
    if (reason) return { ok: false, reason };
    const children = childrenOf(node, ctes);
    if (typeof children === 'string') return { ok: false, reason: children };
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i] as Visit);
  }
  return { ok: true, tables, named };
}

function readTable(node: Node, ctes: ReadonlySet<string>, tables: TableRef[], named: TableRef[]): string | undefined {
  if (!('table' in node) || node.type === 'column_ref') return undefined;
  const { table, db } = node;
  if (table === null || table === undefined) {
    return db === null || db === undefined ? undefined : unknownShape('a schema with no table');
  }
  if (typeof table !== 'string') return unknownShape('a table that is not a plain name');
  if (db !== null && db !== undefined && typeof db !== 'string')
    return unknownShape('a schema that is not a plain name');
  const ref = { schema: typeof db === 'string' && db !== '' ? db : null, table };
  named.push(ref);
  if (ref.schema === null && ctes.has(table.toLowerCase())) return undefined;
  tables.push(ref);
  return undefined;
}

/** What may stand in a FROM clause: a table, a derived table, a parenthesised group of items, or DUAL. */
function checkFromItem(node: Node): string | undefined {
  if (typeof node.table === 'string') return undefined;
  if (Array.isArray(node.expr)) return undefined;
  const ast = (node.expr as { ast?: unknown } | null | undefined)?.ast;
  if (typeof ast === 'object' && ast !== null) return undefined;
  if (node.type === 'dual') return undefined;
  return unknownShape('a FROM item');
}

/**
 * The node's children, each with the CTE names in scope there and whether it is a FROM item; or
 * why the query is refused (a CTE whose name is not a plain name).
 */
function childrenOf(node: Node, ctes: ReadonlySet<string>): Visit[] | string {
  const ctesHere = withClause(node);
  if (typeof ctesHere === 'string') return ctesHere;
  const inner = ctesHere ? new Set([...ctes, ...ctesHere.names]) : ctes;
  const visits: Visit[] = [];
  for (const [key, child] of Object.entries(node)) {
    if (key === 'with' && ctesHere) {
      // A CTE sees the ones before it; with RECURSIVE, every one (itself included).
      ctesHere.bodies.forEach((body, i) => {
        const visible = ctesHere.isRecursive ? ctesHere.names : ctesHere.names.slice(0, i);
        visits.push({ value: body, ctes: new Set([...ctes, ...visible]), isFromItem: false });
      });
    } else if (key === '_next' && node.parentheses_symbol === true) {
      // `(WITH a AS … SELECT …) UNION SELECT … FROM a`: the second `a` is a table, not the CTE.
      visits.push({ value: child, ctes, isFromItem: false });
    } else if (key === 'from' || (key === 'joins' && node.parentheses !== undefined)) {
      // A FROM list, or a parenthesised FROM (the group itself stands as one item), or a group's joins.
      visits.push({ value: child, ctes: inner, isFromItem: true });
    } else if (key === 'expr' && Array.isArray(child) && node.parentheses !== undefined) {
      visits.push({ value: child, ctes: inner, isFromItem: true });
    } else {
      visits.push({ value: child, ctes: inner, isFromItem: false });
    }
  }
  return visits;
}

interface WithClause {
  names: string[];
  bodies: unknown[];
  isRecursive: boolean;
}

function withClause(node: Node): WithClause | string | undefined {
  if (!Array.isArray(node.with)) return undefined;
  const ctes = node.with as Node[];
  const names = ctes.map((cte) => (cte.name as Node | undefined)?.value);
  if (!names.every((name) => typeof name === 'string')) return unknownShape('a CTE name');
  return {
    names: names.map((name) => name.toLowerCase()),
    bodies: ctes,
    isRecursive: ctes.some((cte) => cte.recursive === true),
  };
}

function unknownShape(what: string): string {
  return `the query has ${what} in a shape the SQL guard does not know, so it cannot tell which tables it reads; rewrite it in plainer SQL`;
}
