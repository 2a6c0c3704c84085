import { ByteWriter } from './byte-writer';
import { uniqueColumnNames } from './column-names';
import { writeBits, writeGuardedText, writeQuoted } from './csv-bytes';
import type { ColumnKind, EncodeInput, Encoder } from './encoder';
import { writeRowChunks } from './row-chunks';
import { createTimestampZoner, isUtcZone } from './time-zone';

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

/** Writes one non-NULL value, bytes[start…end). */
type Cell = (out: ByteWriter, bytes: Buffer, start: number, end: number) => void;

/**
 * RFC 4180 CSV: a header row, and fields quoted only when they hold the delimiter, a double
 * quote, CR or LF (doubling the quotes inside). Values are copied as bytes, never decoded, except
 * TIMESTAMPs moved to another zone and the rare text that may start a formula.
 */
export function createCsvEncoder(overrides: Partial<CsvOptions> = {}): Encoder {
  const options = { ...DEFAULT_CSV_OPTIONS, ...overrides };
  return {
    format: 'csv',
    extension: 'csv',
    contentType: 'text/csv; charset=utf-8',
    encode: (input) => encodeCsv(input, options),
  };
}

async function* encodeCsv({ columns, batches, stats }: EncodeInput, options: CsvOptions): AsyncIterable<Buffer> {
  const delimiter = options.delimiter.charCodeAt(0);
  const lineEnding = Buffer.from(options.lineEnding, 'latin1');
  const nullToken = Buffer.from(options.nullToken, 'utf8');
  const cells = columns.map((column) => createCell(column.kind, delimiter, options));
  const out = new ByteWriter();
  if (options.bom) out.bytes(Buffer.from([0xef, 0xbb, 0xbf]));
  if (options.header) {
    // A column name is text the caller chose (`SELECT 1 AS "=HYPERLINK(…)"`): guarded like any cell.
    const writeName = options.formulaGuard ? writeGuardedText : writeQuoted;
    uniqueColumnNames(columns.map((c) => c.name)).forEach((name, i) => {
      if (i > 0) out.byte(delimiter);
      const bytes = Buffer.from(name, 'utf8');
      writeName(out, bytes, 0, bytes.length, delimiter);
    });
    out.bytes(lineEnding);
  }
  yield* writeRowChunks(batches, stats, out, ({ bytes, at }) => {
    for (let i = 0; i < cells.length; i += 1) {
      if (i > 0) out.byte(delimiter);
      const start = at[2 * i] as number;
      if (start < 0) out.bytes(nullToken);
      else (cells[i] as Cell)(out, bytes, start, at[2 * i + 1] as number);
    }
    out.bytes(lineEnding);
  });
}

function createCell(kind: ColumnKind, delimiter: number, options: CsvOptions): Cell {
  const quoted: Cell = (out, bytes, start, end) => writeQuoted(out, bytes, start, end, delimiter);
  switch (kind) {
    case 'integer':
    case 'decimal':
    case 'float':
    case 'year':
      // Digits, sign, point and exponent only, as the server printed them: never quoted, never
      // guarded, so -20.00 stays a number.
      return (out, bytes, start, end) => out.bytes(bytes, start, end);
    case 'binary':
      return (out, bytes, start, end) => out.ascii(bytes.toString('base64', start, end));
    case 'bit':
      return writeBits;
    case 'date':
    case 'datetime':
    case 'time':
      return quoted;
    case 'timestamp': {
      if (isUtcZone(options.timeZone)) return quoted;
      const zone = createTimestampZoner(options.timeZone);
      return (out, bytes, start, end) => {
        const wall = Buffer.from(zone(bytes.toString('latin1', start, end)).wall, 'latin1');
        writeQuoted(out, wall, 0, wall.length, delimiter);
      };
    }
    case 'text':
    case 'json':
      return options.formulaGuard
        ? (out, bytes, start, end) => writeGuardedText(out, bytes, start, end, delimiter)
        : quoted;
  }
}
