/** Conversions every encoder shares, so each format reads a value the same way. */

/** BIT(n) arrives as big-endian bytes; written as its unsigned integer value. */
export function bitsToDecimal(bits: Buffer): string {
  return bits.length === 0 ? '0' : BigInt(`0x${bits.toString('hex')}`).toString(10);
}

/** Significant decimal digits of a numeric text (`-0012.50` has 4: 1, 2, 5, 0). */
export function significantDigits(text: string): number {
  const digits = text
    .replace(/^[+-]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  return digits.length;
}

// An IEEE double holds every decimal of up to 15 significant digits exactly (Excel shows 15 too).
export const MAX_EXACT_DIGITS = 15;
