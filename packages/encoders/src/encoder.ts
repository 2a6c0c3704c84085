/**
 * How a column's values are written, decided once from the database's column metadata,
 * never per value from JavaScript types. mysql-source declares the same union: leaf packages do
 * not import each other, and the worker's assignment of one to the other fails to compile if the
 * two ever differ.
 */
export type ColumnKind =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'year'
  | 'date'
  | 'datetime'
  | 'timestamp'
  | 'time'
  | 'text'
  | 'json'
  | 'binary'
  | 'bit';

export interface Column {
  name: string;
  kind: ColumnKind;
  /** Integer, decimal and bit columns: the most significant digits a value can have. */
  digits?: number;
  /** Digits after the point: a decimal's scale, or a date-time's fractional seconds (0 to 6). */
  scale?: number;
}

/**
 * One row in SELECT order, as the server sent it and never copied: value i is
 * `bytes[at[2i]]` up to `at[2i + 1]`, or SQL NULL where `at[2i]` is -1. Every value is the
 * server's text (text, dates, decimals, big integers, floats exactly as printed, JSON) or its bytes
 * (binary strings, BIT). One Buffer per value cost 40% of the CPU of reading 1 M rows (mysql-source,
 * row-parser.ts); `rowOf` (row.ts) builds a Row from JavaScript values.
 */
export interface Row {
  readonly bytes: Buffer;
  readonly at: readonly number[];
}

export interface EncodeStats {
  /** Rows encoded so far; the caller reads it for progress. */
  rows: number;
}

export interface EncodeInput {
  columns: readonly Column[];
  /** Rows arrive in batches, so that per-row work stays synchronous and cheap. */
  batches: AsyncIterable<readonly Row[]>;
  stats: EncodeStats;
}

/** A streaming transform from row batches to large byte chunks. */
export interface Encoder {
  readonly format: string;
  /** Without a dot, and without the compression suffix. */
  readonly extension: string;
  readonly contentType: string;
  encode(input: EncodeInput): AsyncIterable<Buffer>;
}
