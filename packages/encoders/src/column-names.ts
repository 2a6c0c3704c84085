/**
 * Keeps same-name columns apart (`SELECT a.id, b.id` gives `id`, `id_2`): the first keeps its name,
 * each repeat takes the lowest free `_N` suffix, starting at 2. Column order is unchanged.
 */
export function uniqueColumnNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`)) n += 1;
    const unique = `${name}_${n}`;
    taken.add(unique);
    seen.add(unique);
    return unique;
  });
}
