import type { ByteWriter } from './byte-writer';
import { asBytes, bitsToDecimal } from './cell-values';
import { needsFormulaGuard } from './formula-guard';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const APOSTROPHE = 0x27;

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
  out.bytesDoubling(bytes, QUOTE);
  out.byte(QUOTE);
}

/** A text cell, with the formula guard's apostrophe when it applies (decided exactly as neutralizeFormula). */
export function writeGuardedText(out: ByteWriter, bytes: Buffer, delimiter: number): void {
  // Decided on the bytes exactly as neutralizeFormula decides on the text (formula-guard.ts).
  const isGuarded = needsFormulaGuard(bytes);
  writeQuoted(out, bytes, delimiter, isGuarded ? APOSTROPHE : undefined);
}

export function writeBits(out: ByteWriter, value: unknown): void {
  out.ascii(bitsToDecimal(asBytes(value)));
}
