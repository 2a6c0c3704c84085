import { ByteWriter } from './byte-writer';
import { bitsToDecimal, MAX_EXACT_DIGITS } from './cell-values';
import { uniqueColumnNames } from './column-names';
import type { Column, EncodeInput, Encoder } from './encoder';
import { writeCompactJson, writeJsonString } from './json-bytes';
import { writeRowChunks } from './row-chunks';
import { createTimestampZoner, isUtcZone } from './time-zone';

export interface JsonLinesOptions {
  /** TIMESTAMP values are written in this zone, with its offset. */
  timeZone: string;
}

/** Writes one non-NULL value, bytes[start…end). */
type Value = (out: ByteWriter, bytes: Buffer, start: number, end: number) => void;

const QUOTE = 0x22;
const NULL = Buffer.from('null');
const UTC_SUFFIX = Buffer.from('Z');

/**
 * JSON Lines: one object per row, keys in SELECT order, `\n` after each. Values are never
 * altered for spreadsheets: there is no formula guard here. Written as bytes, like CSV.
 */
export function createJsonLinesEncoder(options: Partial<JsonLinesOptions> = {}): Encoder {
  const timeZone = options.timeZone ?? 'UTC';
  return {
    format: 'json',
    extension: 'jsonl',
    contentType: 'application/x-ndjson; charset=utf-8',
    encode: (input) => encodeJsonLines(input, timeZone),
  };
}

async function* encodeJsonLines({ columns, batches, stats }: EncodeInput, timeZone: string): AsyncIterable<Buffer> {
  const keys = uniqueColumnNames(columns.map((c) => c.name)).map((name, i) =>
    Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(name)}:`, 'utf8'),
  );
  const values = columns.map((column) => createValue(column, timeZone));
  const out = new ByteWriter();
  yield* writeRowChunks(batches, stats, out, ({ bytes, at }) => {
    if (values.length === 0) out.byte(0x7b);
    for (let i = 0; i < values.length; i += 1) {
      out.bytes(keys[i] as Buffer);
      const start = at[2 * i] as number;
      if (start < 0) out.bytes(NULL);
      else (values[i] as Value)(out, bytes, start, at[2 * i + 1] as number);
    }
    out.byte(0x7d); // }
    out.byte(0x0a);
  });
}

function quoted(out: ByteWriter, bytes: Buffer, start: number, end: number): void {
  out.byte(QUOTE);
  out.bytes(bytes, start, end);
  out.byte(QUOTE);
}

/** `YYYY-MM-DD HH:MM:SS…` as `YYYY-MM-DDTHH:MM:SS…`, plus a zone suffix. */
function isoDateTime(out: ByteWriter, bytes: Buffer, start: number, end: number, suffix?: Buffer): void {
  out.byte(QUOTE);
  if (end - start > 10 && bytes[start + 10] === 0x20) {
    out.bytes(bytes, start, start + 10);
    out.byte(0x54);
    out.bytes(bytes, start + 11, end);
  } else {
    out.bytes(bytes, start, end);
  }
  if (suffix !== undefined) out.bytes(suffix);
  out.byte(QUOTE);
}

function createValue(column: Column, timeZone: string): Value {
  // Decided per column, so a key never changes JSON type from one row to the next: a column whose
  // values can exceed what a double holds exactly (BIGINT, DECIMAL(16+), BIT(50+)) is all strings.
  const isExactAsNumber = (column.digits ?? Infinity) <= MAX_EXACT_DIGITS;
  const asIs: Value = (out, bytes, start, end) => out.bytes(bytes, start, end);
  switch (column.kind) {
    case 'integer':
    case 'decimal':
      return isExactAsNumber ? asIs : quoted;
    case 'bit':
      return (out, bytes, start, end) => {
        const text = bitsToDecimal(bytes.subarray(start, end));
        if (isExactAsNumber) out.ascii(text);
        else {
          out.byte(QUOTE);
          out.ascii(text);
          out.byte(QUOTE);
        }
      };
    case 'float':
    case 'year':
      return asIs;
    case 'date':
    case 'time':
      return quoted;
    case 'text':
      return writeJsonString;
    case 'datetime':
      return (out, bytes, start, end) => isoDateTime(out, bytes, start, end);
    case 'timestamp': {
      if (isUtcZone(timeZone)) return (out, bytes, start, end) => isoDateTime(out, bytes, start, end, UTC_SUFFIX);
      const zone = createTimestampZoner(timeZone);
      return (out, bytes, start, end) => {
        const { wall, offset } = zone(bytes.toString('latin1', start, end));
        const wallBytes = Buffer.from(wall, 'latin1');
        isoDateTime(out, wallBytes, 0, wallBytes.length, Buffer.from(offset, 'latin1'));
      };
    }
    case 'json':
      return writeCompactJson;
    case 'binary':
      return (out, bytes, start, end) => {
        out.byte(QUOTE);
        out.ascii(bytes.toString('base64', start, end));
        out.byte(QUOTE);
      };
  }
}
