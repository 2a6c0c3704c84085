import { bitsToDecimal, isNull, toBuffer, toText } from './cell-values';
import { uniqueColumnNames } from './column-names';
import type { ColumnKind, Encoder, Row } from './encoder';
import { neutralizeFormula } from './formula-guard';
import { encodeTextChunks } from './text-chunks';
import { createTimestampZoner } from './time-zone';

export interface CsvOptions {
  delimiter: ',' | ';' | '\t';
  lineEnding: '\r\n' | '\n';
  /** Written, unquoted, for SQL NULL. An empty string is written as "" so the two stay distinct. */
  nullToken: string;
  header: boolean;
  /** A UTF-8 byte order mark, so that Excel reads the file as UTF-8. */
  bom: boolean;
  /** Neutralise text cells that a spreadsheet would run as formulas. */
  formulaGuard: boolean;
  /** TIMESTAMP values are written in this zone: `UTC`, `±HH:MM` or an IANA name. */
  timeZone: string;
}

export const CSV_PROFILES = {
  /** Plain data for machines: RFC 4180 exactly, nothing altered. */
  rfc4180: { delimiter: ',', lineEnding: '\r\n', nullToken: '', header: true, bom: false, formulaGuard: false },
  /** For people opening the file in a spreadsheet: BOM, CRLF, formula guard on. */
  excel: { delimiter: ',', lineEnding: '\r\n', nullToken: '', header: true, bom: true, formulaGuard: true },
} as const satisfies Record<string, Omit<CsvOptions, 'timeZone'>>;

/** Without a profile: RFC 4180 layout, with the formula guard on, since exports are sent to people. */
export const DEFAULT_CSV_OPTIONS: CsvOptions = { ...CSV_PROFILES.rfc4180, formulaGuard: true, timeZone: 'UTC' };

type Cell = (value: unknown) => string;

/**
 * RFC 4180 CSV: a header row, and fields quoted only when they hold the delimiter, a double
 * quote, CR or LF (doubling the quotes inside).
 */
export function createCsvEncoder(overrides: Partial<CsvOptions> = {}): Encoder {
  const options = { ...DEFAULT_CSV_OPTIONS, ...overrides };
  return {
    format: 'csv',
    extension: 'csv',
    contentType: 'text/csv; charset=utf-8',
    encode: ({ columns, batches, stats }) => {
      const quote = createQuoter(options.delimiter);
      const cells = columns.map((column) => createCell(column.kind, quote, options));
      const header = options.header
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
      const head = (options.bom ? '\uFEFF' : '') + header;
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

function createCell(kind: ColumnKind, quote: (text: string) => string, options: CsvOptions): Cell {
  const { nullToken } = options;
  const guard = options.formulaGuard ? neutralizeFormula : (text: string) => text;
  switch (kind) {
    case 'integer':
    case 'decimal':
    case 'float':
    case 'year':
      // Digits, sign, point and exponent only: never quoted, never guarded, so -20.00 stays a number.
      return (value) => (isNull(value) ? nullToken : toText(value));
    case 'binary':
      return (value) => (isNull(value) ? nullToken : toBuffer(value).toString('base64'));
    case 'bit':
      return (value) => (isNull(value) ? nullToken : bitsToDecimal(toBuffer(value)));
    case 'date':
    case 'datetime':
    case 'time':
      return (value) => (isNull(value) ? nullToken : quote(toText(value)));
    case 'timestamp': {
      const zone = createTimestampZoner(options.timeZone);
      return (value) => (isNull(value) ? nullToken : quote(zone(toText(value)).wall));
    }
    case 'text':
    case 'json':
      return (value) => (isNull(value) ? nullToken : quote(guard(toText(value))));
  }
}
