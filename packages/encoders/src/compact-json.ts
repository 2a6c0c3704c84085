/**
 * A JSON column's text, ready to embed in a JSON Lines record: validated, and with the whitespace
 * between tokens removed so that a pretty-printed document stays on one line. Numbers are copied
 * as written, never through a JS number, so 12345678901234567890 keeps every digit.
 * Returns undefined when the text is not valid JSON (the caller then writes it as a string).
 */
export function compactJson(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!/[\s]/.test(text)) return text;
  let out = '';
  let isInString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (isInString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i += 1;
      } else if (ch === '"') {
        isInString = false;
      }
    } else if (ch === '"') {
      isInString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') {
      out += ch;
    }
  }
  return out;
}
