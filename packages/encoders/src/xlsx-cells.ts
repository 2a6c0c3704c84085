import { bitsToDecimal, MAX_EXACT_DIGITS, significantDigits } from './cell-values';
import type { Column } from './encoder';
import { neutralizeFormula } from './formula-guard';
import { createTimestampZoner } from './time-zone';

/** Only plain values reach the sheet: text is always an inline string, never a formula, link or rich text. */
export type XlsxValue = string | number | Date | null;

export interface XlsxCellOptions {
  formulaGuard: boolean;
  timeZone: string;
}

// Excel's limit for one cell; longer text is cut and ends with this marker.
export const MAX_CELL_CHARS = 32_767;
export const TRUNCATION_MARKER = '…[truncated]';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** A value as the string path reads it: the server's bytes decoded, null for SQL NULL. */
export function createXlsxCell(column: Column, options: XlsxCellOptions): (value: Buffer | null) => XlsxValue {
  const guard = options.formulaGuard ? neutralizeFormula : (text: string) => text;
  switch (column.kind) {
    case 'integer':
    case 'decimal':
      return (v) => (v === null ? null : exactNumber(v.toString('latin1')));
    case 'bit':
      return (v) => (v === null ? null : exactNumber(bitsToDecimal(v)));
    case 'float':
    case 'year':
      return (v) => (v === null ? null : Number(v.toString('latin1')));
    case 'date':
    case 'datetime':
      return (v) => (v === null ? null : toDate(v.toString('latin1')));
    case 'timestamp': {
      const zone = createTimestampZoner(options.timeZone);
      return (v) => (v === null ? null : toDate(zone(v.toString('latin1')).wall));
    }
    case 'time':
      return (v) => (v === null ? null : toDayFraction(v.toString('latin1')));
    case 'text':
    case 'json':
      // Line breaks become LF, as Excel stores them; XML would fold a CR LF anyway.
      return (v) => (v === null ? null : truncate(guard(v.toString('utf8').replace(/\r\n?/g, '\n'))));
    case 'binary':
      return (v) => (v === null ? null : truncate(v.toString('base64')));
  }
}

/** A number cell when Excel keeps every digit (15 significant), else the exact text. */
function exactNumber(text: string): number | string {
  return significantDigits(text) <= MAX_EXACT_DIGITS ? Number(text) : text;
}

/** A date cell for the wall-clock value; the server's text where Excel has no such date. */
function toDate(text: string): Date | string {
  const m = DATE_TIME.exec(text);
  // Excel's calendar starts in 1900 and counts a 29 February 1900 that never was, so the serials of
  // 1900's first two months mean a day earlier in LibreOffice than in Excel: those stay text too.
  if (!m || isBeforeMarch1900(Number(m[1]), Number(m[2])) || m[2] === '00' || m[3] === '00') return text;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  return new Date(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms),
  );
}

/** Whether a date falls before 1900-03-01, where spreadsheets disagree on what a serial means. */
export function isBeforeMarch1900(year: number, month: number): boolean {
  return year < 1900 || (year === 1900 && month < 3);
}

/** TIME of day as Excel's fraction of a day; a duration outside 00:00–24:00 stays text. */
function toDayFraction(text: string): number | string {
  const m = TIME.exec(text);
  if (!m || Number(m[1]) >= 24) return text;
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(`0.${m[4] ?? '0'}`);
  return seconds / 86_400;
}

function truncate(text: string): string {
  return text.length <= MAX_CELL_CHARS
    ? text
    : text.slice(0, MAX_CELL_CHARS - TRUNCATION_MARKER.length) + TRUNCATION_MARKER;
}

/** Display width of a value, for the column-width sample. */
export function displayWidth(value: XlsxValue, kind: Column['kind']): number {
  if (value === null) return 0;
  if (value instanceof Date) return kind === 'date' ? 10 : 19;
  if (typeof value === 'number') return kind === 'time' ? 8 : String(value).length;
  return Math.max(...value.split('\n').map((line) => line.length));
}
