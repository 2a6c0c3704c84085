// OWASP CSV injection: a cell a spreadsheet would run as a formula starts with one of these,
// or with their full-width forms, which some spreadsheet software folds to ASCII.
const TRIGGER = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
// "-5" or "+1.5e3" is data a person expects to see as a number, not an attack: left alone.
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Prefixes a leading apostrophe when a text cell would otherwise start a formula. */
export function neutralizeFormula(text: string): string {
  return TRIGGER.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}
