import type { ByteWriter } from './byte-writer';
import { bitsToDecimal } from './cell-values';
import { neutralizeFormula } from './formula-guard';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const APOSTROPHE = 0x27;

/** A value's bytes: the MySQL reader gives Buffers; tests and other callers may give strings or numbers. */
export function asBytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return Buffer.from(value.toString(), 'latin1');
  return Buffer.from(JSON.stringify(value) ?? '', 'utf8');
}

function needsQuotes(bytes: Buffer, delimiter: number): boolean {
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i] as number;
    if (b === QUOTE || b === delimiter || b === LF || b === CR) return true;
  }
  return false;
}

/** RFC 4180 field: as is, or quoted with inner quotes doubled; "" for an empty string. */
export function writeQuoted(out: ByteWriter, bytes: Buffer, delimiter: number, prefix?: number): void {
  if (bytes.length === 0 && prefix === undefined) {
    out.byte(QUOTE);
    out.byte(QUOTE);
    return;
  }
  if (!needsQuotes(bytes, delimiter)) {
    if (prefix !== undefined) out.byte(prefix);
    out.bytes(bytes);
    return;
  }
  out.byte(QUOTE);
  if (prefix !== undefined) out.byte(prefix);
  let start = 0;
  for (let i = bytes.indexOf(QUOTE); i !== -1; i = bytes.indexOf(QUOTE, i + 1)) {
    out.bytes(bytes, start, i + 1);
    out.byte(QUOTE);
    start = i + 1;
  }
  out.bytes(bytes, start);
  out.byte(QUOTE);
}

// First bytes of a value a spreadsheet could run as a formula: = + - @ tab CR LF, and the UTF-8
// of the full-width ＝ ＋ － ＠ (EF BC 9D / 8B / 8D / A0).
export function mayStartFormula(bytes: Buffer): boolean {
  const b = bytes[0];
  if (b === 0x3d || b === 0x2b || b === 0x2d || b === 0x40 || b === 0x09 || b === CR || b === LF) return true;
  return b === 0xef && bytes[1] === 0xbc && [0x9d, 0x8b, 0x8d, 0xa0].includes(bytes[2] as number);
}

/** A text cell, with the formula guard's apostrophe when it applies (decided exactly as neutralizeFormula). */
export function writeGuardedText(out: ByteWriter, bytes: Buffer, delimiter: number): void {
  // The rare case goes through the one shared rule, so both paths always agree.
  const isGuarded = mayStartFormula(bytes) && neutralizeFormula(bytes.toString('utf8')).charCodeAt(0) === APOSTROPHE;
  writeQuoted(out, bytes, delimiter, isGuarded ? APOSTROPHE : undefined);
}

export function writeBits(out: ByteWriter, value: unknown): void {
  out.ascii(bitsToDecimal(asBytes(value)));
}
