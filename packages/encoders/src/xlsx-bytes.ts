import type { ByteWriter } from './byte-writer';
import { MAX_EXACT_DIGITS } from './cell-values';
import type { Column } from './encoder';
import { needsFormulaGuard } from './formula-guard';
import { escapeXml } from './spreadsheet-parts';
import { isUtcZone } from './time-zone';
import { createXlsxCell, isBeforeMarch1900, MAX_CELL_CHARS, type XlsxCellOptions, type XlsxValue } from './xlsx-cells';

/**
 * Writes one non-NULL value's cell XML, from bytes[start…end) (nothing for an empty string); `row`
 * is the row number's digits. A NULL cell is left out of the row.
 */
export type CellWriter = (out: ByteWriter, bytes: Buffer, start: number, end: number, row: Buffer) => void;

const EXCEL_EPOCH_DAYS = 25_569; // 1970-01-01 as an Excel serial day
const MS_PER_DAY = 86_400_000;
// Digits after the point of a date serial: 1e-11 of a day is 0.86 µs, so every reader that rounds
// to the millisecond (Excel, LibreOffice, exceljs, openpyxl) gets the exact millisecond back.
const SERIAL_DECIMALS = 11;
// A millisecond of the day in units of 1e-11 day is ms × 1e11 / 86,400,000 = ms × 125,000 / 108;
// both products stay exact integers (below 2^53).
const FRACTION_NUMERATOR = 125_000;
const FRACTION_DENOMINATOR = 108;
const APOSTROPHE = 0x27;
const NUMBER_END = Buffer.from('</v></c>', 'latin1');
const TEXT_END = Buffer.from('</t></is></c>', 'latin1');

/**
 * Cell XML for one column. The common cases (text without CR, numbers, UTC dates) are written from
 * the server's bytes; every other case takes the string path (`createXlsxCell`), which defines the
 * rules. Both give the same bytes (checked by sha256 on the benchmark table): the fast path only
 * skips decoding where nothing would change.
 */
// eslint-disable-next-line max-lines-per-function -- the XLSX writer's hot path: its buffer and offset are closure variables that every cell method shares
export function createCellWriter(column: Column, options: XlsxCellOptions, style: string, letter: string): CellWriter {
  const slow = createXlsxCell(column, options);
  const viaString: CellWriter = (out, bytes, start, end, row) =>
    writeValue(out, slow(bytes.subarray(start, end)), letter + row.toString('latin1'), style);
  // The tags around a value, made once per column rather than once per cell.
  const open = Buffer.from(`<c r="${letter}`, 'latin1');
  const numberStart = Buffer.from(`"${style}><v>`, 'latin1');
  const textStart = Buffer.from('" t="inlineStr"><is><t>', 'latin1');
  const textStartKeepingSpace = Buffer.from('" t="inlineStr"><is><t xml:space="preserve">', 'latin1');
  const startNumber = (out: ByteWriter, row: Buffer): void => {
    out.bytes(open);
    out.bytes(row);
    out.bytes(numberStart);
  };
  switch (column.kind) {
    case 'integer':
    case 'year':
      return (out, bytes, start, end, row) => {
        if (significantDigits(bytes, start, end) > MAX_EXACT_DIGITS) return viaString(out, bytes, start, end, row);
        startNumber(out, row);
        out.bytes(bytes, start, end);
        out.bytes(NUMBER_END);
      };
    case 'decimal':
      return (out, bytes, start, end, row) => {
        const last = significantDigits(bytes, start, end) > MAX_EXACT_DIGITS ? -1 : decimalEnd(bytes, start, end);
        if (last < 0) return viaString(out, bytes, start, end, row);
        startNumber(out, row);
        // -0.00 reads as 0, as a JS number prints it.
        if (last - start === 2 && bytes[start] === 0x2d && bytes[start + 1] === 0x30) out.byte(0x30);
        else out.bytes(bytes, start, last);
        out.bytes(NUMBER_END);
      };
    case 'float':
      // The server's float text can differ from a JS number's (1e21 against 1e+21): string path.
      return viaString;
    case 'date':
    case 'datetime':
    case 'timestamp':
      if (column.kind === 'timestamp' && !isUtcZone(options.timeZone)) return viaString;
      return (out, bytes, start, end, row) => {
        const ms = utcMilliseconds(bytes, start, end);
        if (ms === undefined) return viaString(out, bytes, start, end, row);
        startNumber(out, row);
        writeSerial(out, ms);
        out.bytes(NUMBER_END);
      };
    case 'text':
    case 'json':
      return (out, bytes, start, end, row) => {
        if (start === end) return;
        // Long text (may need cutting, with room for the guard's apostrophe) takes the string path.
        if (end - start >= MAX_CELL_CHARS) return viaString(out, bytes, start, end, row);
        const isGuarded = options.formulaGuard && needsFormulaGuard(bytes, start, end);
        const first = isGuarded ? APOSTROPHE : (bytes[start] as number);
        out.bytes(open);
        out.bytes(row);
        out.bytes(isXmlSpace(first) || isXmlSpace(bytes[end - 1] as number) ? textStartKeepingSpace : textStart);
        if (isGuarded) out.byte(APOSTROPHE);
        out.bytesEscapingXml(bytes, start, end);
        out.bytes(TEXT_END);
      };
    case 'bit':
    case 'time':
    case 'binary':
      return viaString;
  }
}

/** The string path's cell: nothing for NULL or '', a number, a date serial, or an inline string. */
export function writeValue(out: ByteWriter, value: XlsxValue, ref: string, style: string): void {
  if (value === null || value === '') return;
  if (typeof value === 'number') return out.ascii(`<c r="${ref}"${style}><v>${value}</v></c>`);
  if (value instanceof Date) {
    out.ascii(`<c r="${ref}"${style}><v>`);
    writeSerial(out, value.getTime());
    return out.bytes(NUMBER_END);
  }
  const keepsSpace = isXmlSpace(value.charCodeAt(0)) || isXmlSpace(value.charCodeAt(value.length - 1));
  out.ascii(`<c r="${ref}" t="inlineStr"><is><t${keepsSpace ? ' xml:space="preserve"' : ''}>`);
  out.utf8(escapeXml(value));
  out.ascii('</t></is></c>');
}

/**
 * XML's white space (space, tab, LF, CR). A reader may trim it at either end of a text unless the
 * element says `xml:space="preserve"`; inside the text it stays. Writing the attribute only where
 * it matters, as XlsxWriter and openpyxl do, saves 21 bytes of XML per text cell.
 */
function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * Where a DECIMAL's text ends once trailing fraction zeros (and a bare point) are dropped, so that
 * it reads as a JS number prints (-20.00 → -20); -1 where JS would use an exponent (below 1e-6).
 */
function decimalEnd(bytes: Buffer, start: number, end: number): number {
  const point = bytes.indexOf(0x2e, start);
  if (point < 0 || point >= end) return end;
  let last = end;
  while (last > point + 1 && bytes[last - 1] === 0x30) last -= 1;
  if (last === point + 1) return point;
  const isNegative = bytes[start] === 0x2d;
  const isZeroInteger = bytes[point - 1] === 0x30 && point - start === (isNegative ? 2 : 1);
  if (isZeroInteger) {
    let zeros = 0;
    while (bytes[point + 1 + zeros] === 0x30) zeros += 1;
    if (zeros >= 6) return -1;
  }
  return last;
}

/** Significant digits of a number's text, as `significantDigits` counts them. */
function significantDigits(bytes: Buffer, start: number, end: number): number {
  let count = 0;
  let isLeading = true;
  for (let i = start; i < end; i += 1) {
    const b = bytes[i] as number;
    if (b === 0x65 || b === 0x45) break; // e, E
    if (b < 0x30 || b > 0x39) continue; // sign, point
    if (isLeading && b === 0x30) continue;
    isLeading = false;
    count += 1;
  }
  return count;
}

const digit = (bytes: Buffer, i: number): number => (bytes[i] as number) - 0x30;
const isDigitAt = (bytes: Buffer, i: number): boolean => (bytes[i] as number) >= 0x30 && (bytes[i] as number) <= 0x39;
const num = (bytes: Buffer, from: number, length: number): number => {
  let n = 0;
  for (let i = from; i < from + length; i += 1) n = n * 10 + digit(bytes, i);
  return n;
};

/**
 * A date serial (days since 1899-12-30, and the time as a fraction of a day) from an instant in
 * whole milliseconds, as `Date#getTime` gives it, written with integer arithmetic.
 * `String(number)` of the same serial as a double was a quarter of the XLSX writer's time on the
 * 12-column benchmark table (200 k rows: 1.22 s with it, 0.91 s with a constant in its place).
 */
export function writeSerial(out: ByteWriter, utcMs: number): void {
  const excelMs = utcMs + EXCEL_EPOCH_DAYS * MS_PER_DAY;
  const days = Math.floor(excelMs / MS_PER_DAY);
  out.digits(days);
  const msOfDay = excelMs - days * MS_PER_DAY;
  if (msOfDay === 0) return;
  let fraction = Math.round((msOfDay * FRACTION_NUMERATOR) / FRACTION_DENOMINATOR);
  let decimals = SERIAL_DECIMALS;
  while (fraction % 10 === 0) {
    fraction /= 10;
    decimals -= 1;
  }
  out.byte(0x2e);
  out.digits(fraction, decimals);
}

/**
 * `YYYY-MM-DD[ HH:MM:SS[.fraction]]` as whole milliseconds since 1970 (UTC wall clock), the
 * same instant `toDate` gives on the string path; undefined for anything else (zero dates, dates
 * before 1900-03-01, other shapes), which the string path then writes as text.
 */
function utcMilliseconds(bytes: Buffer, start: number, end: number): number | undefined {
  const n = end - start;
  const s = start;
  if (n !== 10 && n < 19) return undefined;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (!isDigitAt(bytes, s + i)) return undefined;
  if (bytes[s + 4] !== 0x2d || bytes[s + 7] !== 0x2d) return undefined;
  const year = num(bytes, s, 4);
  const month = num(bytes, s + 5, 2);
  const day = num(bytes, s + 8, 2);
  if (isBeforeMarch1900(year, month) || month === 0 || day === 0) return undefined;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (n > 10) {
    if (bytes[s + 10] !== 0x20 || bytes[s + 13] !== 0x3a || bytes[s + 16] !== 0x3a) return undefined;
    for (const i of [11, 12, 14, 15, 17, 18]) if (!isDigitAt(bytes, s + i)) return undefined;
    ms += ((num(bytes, s + 11, 2) * 60 + num(bytes, s + 14, 2)) * 60 + num(bytes, s + 17, 2)) * 1000;
    if (n > 19) {
      if (bytes[s + 19] !== 0x2e || n === 20) return undefined;
      for (let i = s + 20; i < end; i += 1) if (!isDigitAt(bytes, i)) return undefined;
      // Milliseconds: the first three fraction digits, padded.
      let fraction = 0;
      for (let i = s + 20; i < s + 23; i += 1) fraction = fraction * 10 + (i < end ? digit(bytes, i) : 0);
      ms += fraction;
    }
  }
  return ms;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, as `Date.UTC` counts them (an out-of-range
 * day rolls over the same way), without building a Date (H. Hinnant's `days_from_civil`).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
