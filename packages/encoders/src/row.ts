import type { Row } from './encoder';

/**
 * A Row from JavaScript values, for callers that do not read from MySQL (tests, tools): null and
 * undefined are NULL, a Buffer is its bytes, a string its UTF-8, a number or bigint its decimal
 * text, anything else its JSON.
 */
export function rowOf(values: readonly unknown[]): Row {
  const parts: Buffer[] = [];
  const at: number[] = [];
  let length = 0;
  for (const value of values) {
    if (value === null || value === undefined) {
      at.push(-1, -1);
      continue;
    }
    const part = Buffer.isBuffer(value) ? value : Buffer.from(textOf(value), 'utf8');
    parts.push(part);
    at.push(length, length + part.length);
    length += part.length;
  }
  return { bytes: Buffer.concat(parts), at };
}

/** Value i of a row as its own Buffer (a view, not a copy), or null for SQL NULL. */
export function valueAt(row: Row, i: number): Buffer | null {
  const start = row.at[2 * i] ?? -1;
  return start < 0 ? null : row.bytes.subarray(start, row.at[2 * i + 1]);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? '';
}
