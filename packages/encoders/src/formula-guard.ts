// OWASP CSV injection: a cell a spreadsheet would run as a formula starts with one of these,
// or with their full-width forms, which some spreadsheet software folds to ASCII.
const TRIGGER = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
// "-5" or "+1.5e3" is data a person expects to see as a number, not an attack: left alone.
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Prefixes a leading apostrophe when a text cell would otherwise start a formula. */
export function neutralizeFormula(text: string): string {
  return TRIGGER.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

// Whether a value begins as a formula would in a spreadsheet: = + - @ tab CR LF, or
// the UTF-8 of the full-width ＝ ＋ － ＠ (EF BC 9D / 8B / 8D / A0).
function mayStartFormula(bytes: Buffer, start: number, end: number): boolean {
  if (start >= end) return false;
  const b = bytes[start];
  if (b === 0x3d || b === 0x2b || b === 0x2d || b === 0x40 || b === 0x09 || b === 0x0d || b === 0x0a) return true;
  return (
    b === 0xef &&
    end - start >= 3 &&
    bytes[start + 1] === 0xbc &&
    [0x9d, 0x8b, 0x8d, 0xa0].includes(bytes[start + 2] as number)
  );
}

/**
 * Whether `neutralizeFormula` would prefix an apostrophe to this UTF-8 text, decided on the bytes:
 * only a value starting with + or - may be a plain number, and a number is ASCII, so its Latin-1
 * reading is its text.
 */
export function needsFormulaGuard(bytes: Buffer, start: number, end: number): boolean {
  if (!mayStartFormula(bytes, start, end)) return false;
  const b = bytes[start];
  return !((b === 0x2b || b === 0x2d) && PLAIN_NUMBER.test(bytes.toString('latin1', start, end)));
}
