import { ByteWriter } from './byte-writer';
import { asBytes, toText } from './cell-values';
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

type Cell = (out: ByteWriter, value: unknown) => void;

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
  const cells = columns.map((column) => createCell(column.kind, delimiter, nullToken, options));
  const out = new ByteWriter();
  if (options.bom) out.bytes(Buffer.from([0xef, 0xbb, 0xbf]));
  if (options.header) {
    // A column name is text the caller chose (`SELECT 1 AS "=HYPERLINK(…)"`): guarded like any cell.
    const writeName = options.formulaGuard ? writeGuardedText : writeQuoted;
    uniqueColumnNames(columns.map((c) => c.name)).forEach((name, i) => {
      if (i > 0) out.byte(delimiter);
      writeName(out, Buffer.from(name, 'utf8'), delimiter);
    });
    out.bytes(lineEnding);
  }
  yield* writeRowChunks(batches, stats, out, (row) => {
    for (let i = 0; i < cells.length; i += 1) {
      if (i > 0) out.byte(delimiter);
      (cells[i] as Cell)(out, row[i]);
    }
    out.bytes(lineEnding);
  });
}

function createCell(kind: ColumnKind, delimiter: number, nullToken: Buffer, options: CsvOptions): Cell {
  const text = options.formulaGuard
    ? (out: ByteWriter, v: unknown) => writeGuardedText(out, asBytes(v), delimiter)
    : (out: ByteWriter, v: unknown) => writeQuoted(out, asBytes(v), delimiter);
  const orNull =
    (write: Cell): Cell =>
    (out, v) =>
      v === null || v === undefined ? out.bytes(nullToken) : write(out, v);
  switch (kind) {
    case 'integer':
    case 'decimal':
    case 'float':
    case 'year':
      // Digits, sign, point and exponent only, as the server printed them: never quoted, never
      // guarded, so -20.00 stays a number.
      return orNull((out, v) => out.bytes(asBytes(v)));
    case 'binary':
      return orNull((out, v) => out.ascii(asBytes(v).toString('base64')));
    case 'bit':
      return orNull(writeBits);
    case 'date':
    case 'datetime':
    case 'time':
      return orNull((out, v) => writeQuoted(out, asBytes(v), delimiter));
    case 'timestamp': {
      if (isUtcZone(options.timeZone)) return orNull((out, v) => writeQuoted(out, asBytes(v), delimiter));
      const zone = createTimestampZoner(options.timeZone);
      return orNull((out, v) => writeQuoted(out, Buffer.from(zone(toText(v)).wall, 'latin1'), delimiter));
    }
    case 'text':
    case 'json':
      return orNull(text);
  }
}
