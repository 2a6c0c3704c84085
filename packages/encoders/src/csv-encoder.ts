import { uniqueColumnNames } from './column-names';
import type { ColumnKind, Encoder, Row } from './encoder';
import { encodeTextChunks } from './text-chunks';

export interface CsvOptions {
  delimiter: ',' | ';' | '\t';
  lineEnding: '\r\n' | '\n';
  /** Written, unquoted, for SQL NULL. An empty string is written as "" so the two stay distinct. */
  nullToken: string;
  header: boolean;
}

export const DEFAULT_CSV_OPTIONS: CsvOptions = { delimiter: ',', lineEnding: '\r\n', nullToken: '', header: true };

type Cell = (value: unknown) => string;

/**
 * RFC 4180 CSV: CRLF line endings by default, a header row, and fields quoted only when they hold
 * the delimiter, a double quote, CR or LF (doubling the quotes inside).
 */
export function createCsvEncoder(overrides: Partial<CsvOptions> = {}): Encoder {
  const options = { ...DEFAULT_CSV_OPTIONS, ...overrides };
  return {
    format: 'csv',
    extension: 'csv',
    contentType: 'text/csv; charset=utf-8',
    encode: ({ columns, batches, stats }) => {
      const quote = createQuoter(options.delimiter);
      const cells = columns.map((column) => createCell(column.kind, quote, options.nullToken));
      const head = options.header
        ? uniqueColumnNames(columns.map((c) => c.name))
            .map(quote)
            .join(options.delimiter) + options.lineEnding
        : '';
      const encodeRow = (row: Row): string => {
        let line = '';
        for (let i = 0; i < cells.length; i += 1) {
          if (i > 0) line += options.delimiter;
          line += (cells[i] as Cell)(row[i]);
        }
        return line + options.lineEnding;
      };
      return encodeTextChunks(batches, stats, { head, encodeRow, tail: '' });
    },
  };
}

function createQuoter(delimiter: string): (text: string) => string {
  const needsQuotes = new RegExp(`["\\r\\n${delimiter === '\t' ? '\\t' : delimiter}]`);
  return (text) => {
    if (text === '') return '""';
    return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
}

function createCell(kind: ColumnKind, quote: (text: string) => string, nullToken: string): Cell {
  switch (kind) {
    case 'integer':
    case 'decimal':
    case 'float':
    case 'year':
      // Digits, sign, point and exponent only: never needs quoting.
      return (value) => (value === null || value === undefined ? nullToken : toText(value));
    case 'binary':
      return (value) => (value === null || value === undefined ? nullToken : toBuffer(value).toString('base64'));
    case 'bit':
      return (value) => (value === null || value === undefined ? nullToken : bitsToDecimal(toBuffer(value)));
    case 'date':
    case 'datetime':
    case 'time':
    case 'text':
    case 'json':
      return (value) => (value === null || value === undefined ? nullToken : quote(toText(value)));
  }
}

function toBuffer(value: unknown): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(toText(value));
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? '';
}

function bitsToDecimal(bits: Buffer): string {
  return bits.length === 0 ? '0' : BigInt(`0x${bits.toString('hex')}`).toString(10);
}
