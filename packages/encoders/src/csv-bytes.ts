import type { ByteWriter } from './byte-writer';
import { bitsToDecimal } from './cell-values';
import { needsFormulaGuard } from './formula-guard';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const APOSTROPHE = 0x27;

function needsQuotes(bytes: Buffer, start: number, end: number, delimiter: number): boolean {
  for (let i = start; i < end; i += 1) {
    const b = bytes[i] as number;
    if (b === QUOTE || b === delimiter || b === LF || b === CR) return true;
  }
  return false;
}

/** RFC 4180 field from bytes[start…end): as is, or quoted with inner quotes doubled; "" for an empty string. */
export function writeQuoted(
  out: ByteWriter,
  bytes: Buffer,
  start: number,
  end: number,
  delimiter: number,
  prefix?: number,
): void {
  if (start === end && prefix === undefined) {
    out.byte(QUOTE);
    out.byte(QUOTE);
    return;
  }
  if (!needsQuotes(bytes, start, end, delimiter)) {
    if (prefix !== undefined) out.byte(prefix);
    out.bytes(bytes, start, end);
    return;
  }
  out.byte(QUOTE);
  if (prefix !== undefined) out.byte(prefix);
  out.bytesDoubling(bytes, start, end, QUOTE);
  out.byte(QUOTE);
}

/** A text cell, with the formula guard's apostrophe when it applies (decided exactly as neutralizeFormula). */
export function writeGuardedText(out: ByteWriter, bytes: Buffer, start: number, end: number, delimiter: number): void {
  const isGuarded = needsFormulaGuard(bytes, start, end);
  writeQuoted(out, bytes, start, end, delimiter, isGuarded ? APOSTROPHE : undefined);
}

export function writeBits(out: ByteWriter, bytes: Buffer, start: number, end: number): void {
  out.ascii(bitsToDecimal(bytes.subarray(start, end)));
}
