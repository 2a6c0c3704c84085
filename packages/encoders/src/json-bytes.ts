import type { ByteWriter } from './byte-writer';

const QUOTE = 0x22;

/**
 * A JSON string from UTF-8 bytes, byte for byte what JSON.stringify writes for the decoded text:
 * only `"`, `\` and bytes below 0x20 are escaped; every other UTF-8 sequence is copied as is.
 */
export function writeJsonString(out: ByteWriter, bytes: Buffer, start: number, end: number): void {
  out.byte(QUOTE);
  out.bytesEscapingJson(bytes, start, end);
  out.byte(QUOTE);
}

/**
 * A JSON column's document on one line: the whitespace between tokens removed, everything else
 * (numbers digit for digit, strings with their escapes) copied. The server guarantees the text is
 * JSON: MariaDB's JSON columns carry a json_valid CHECK, and MySQL stores JSON in binary form.
 */
export function writeCompactJson(out: ByteWriter, bytes: Buffer, start: number, end: number): void {
  out.bytesCompactingJson(bytes, start, end);
}
