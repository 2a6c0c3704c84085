import type { Connection } from 'mysql2';
import { run } from './run-statement';

/**
 * The optimizer's guess at how many rows the query returns, for a progress percentage: the product
 * of the `rows` column over the top-level select's plan rows (a join multiplies). Undefined when the
 * plan gives no number (UNION, derived tables MariaDB cannot estimate) or EXPLAIN fails: no
 * estimate is better than a wrong one. A LIMIT is not reflected; the percentage is capped below 100
 * until the export is done.
 */
export async function estimateRows(connection: Connection, sql: string): Promise<number | undefined> {
  try {
    const plan = await run(connection, `EXPLAIN ${sql}`);
    const top = plan.filter((row) => Number(row.id) === 1 && /^(SIMPLE|PRIMARY)$/i.test(String(row.select_type)));
    if (top.length === 0 || plan.some((row) => /UNION/i.test(String(row.select_type)))) return undefined;
    let product = 1;
    for (const row of top) {
      const rows = Number(row.rows);
      if (!Number.isFinite(rows) || rows < 0) return undefined;
      product *= Math.max(rows, 1);
    }
    return Math.min(product, Number.MAX_SAFE_INTEGER);
  } catch {
    return undefined;
  }
}
