import type { ByteWriter } from './byte-writer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/**
 * A JSON string from UTF-8 bytes, byte for byte what JSON.stringify writes for the decoded text:
 * only `"`, `\` and bytes below 0x20 are escaped; every other UTF-8 sequence is copied as is.
 */
export function writeJsonString(out: ByteWriter, bytes: Buffer, start: number, end: number): void {
  out.byte(QUOTE);
  out.bytesEscapingJson(bytes, start, end);
  out.byte(QUOTE);
}

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * A JSON column's document on one line: the whitespace between tokens removed, everything else
 * (numbers digit for digit, strings with their escapes) copied. The server guarantees the text is
 * JSON: MariaDB's JSON columns carry a json_valid CHECK, and MySQL stores JSON in binary form.
 */
export function writeCompactJson(out: ByteWriter, bytes: Buffer, start: number, end: number): void {
  let isInString = false;
  let from = start;
  for (let i = start; i < end; i += 1) {
    const b = bytes[i] as number;
    if (isInString) {
      if (b === BACKSLASH) i += 1;
      else if (b === QUOTE) isInString = false;
    } else if (b === QUOTE) {
      isInString = true;
    } else if (isSpace(b)) {
      out.bytes(bytes, from, i);
      from = i + 1;
    }
  }
  out.bytes(bytes, from, end);
}
