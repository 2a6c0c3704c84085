import { ByteWriter } from './byte-writer';
import { asBytes, bitsToDecimal, MAX_EXACT_DIGITS, toText } from './cell-values';
import { uniqueColumnNames } from './column-names';
import type { Column, EncodeInput, Encoder } from './encoder';
import { writeCompactJson, writeJsonString } from './json-bytes';
import { writeRowChunks } from './row-chunks';
import { createTimestampZoner, isUtcZone } from './time-zone';

export interface JsonLinesOptions {
  /** TIMESTAMP values are written in this zone, with its offset. */
  timeZone: string;
}

type Value = (out: ByteWriter, value: unknown) => void;

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
  yield* writeRowChunks(batches, stats, out, (row) => {
    if (values.length === 0) out.byte(0x7b);
    for (let i = 0; i < values.length; i += 1) {
      out.bytes(keys[i] as Buffer);
      const value = row[i];
      if (value === null || value === undefined) out.bytes(NULL);
      else (values[i] as Value)(out, value);
    }
    out.byte(0x7d); // }
    out.byte(0x0a);
  });
}

function quoted(out: ByteWriter, bytes: Buffer): void {
  out.byte(QUOTE);
  out.bytes(bytes);
  out.byte(QUOTE);
}

/** `YYYY-MM-DD HH:MM:SS…` as `YYYY-MM-DDTHH:MM:SS…`, plus a zone suffix. */
function isoDateTime(out: ByteWriter, bytes: Buffer, suffix?: Buffer): void {
  out.byte(QUOTE);
  if (bytes.length > 10 && bytes[10] === 0x20) {
    out.bytes(bytes, 0, 10);
    out.byte(0x54);
    out.bytes(bytes, 11);
  } else {
    out.bytes(bytes);
  }
  if (suffix !== undefined) out.bytes(suffix);
  out.byte(QUOTE);
}

function createValue(column: Column, timeZone: string): Value {
  // Decided per column, so a key never changes JSON type from one row to the next: a column whose
  // values can exceed what a double holds exactly (BIGINT, DECIMAL(16+), BIT(50+)) is all strings.
  const isExactAsNumber = (column.digits ?? Infinity) <= MAX_EXACT_DIGITS;
  switch (column.kind) {
    case 'integer':
    case 'decimal':
      return isExactAsNumber ? (out, v) => out.bytes(asBytes(v)) : (out, v) => quoted(out, asBytes(v));
    case 'bit':
      return isExactAsNumber
        ? (out, v) => out.ascii(bitsToDecimal(asBytes(v)))
        : (out, v) => quoted(out, Buffer.from(bitsToDecimal(asBytes(v)), 'latin1'));
    case 'float':
    case 'year':
      return (out, v) => out.bytes(asBytes(v));
    case 'date':
    case 'time':
      return (out, v) => quoted(out, asBytes(v));
    case 'text':
      return (out, v) => writeJsonString(out, asBytes(v));
    case 'datetime':
      return (out, v) => isoDateTime(out, asBytes(v));
    case 'timestamp': {
      if (isUtcZone(timeZone)) return (out, v) => isoDateTime(out, asBytes(v), UTC_SUFFIX);
      const zone = createTimestampZoner(timeZone);
      return (out, v) => {
        const { wall, offset } = zone(toText(v));
        isoDateTime(out, Buffer.from(wall, 'latin1'), Buffer.from(offset, 'latin1'));
      };
    }
    case 'json':
      return (out, v) => writeCompactJson(out, asBytes(v));
    case 'binary':
      return (out, v) => quoted(out, Buffer.from(asBytes(v).toString('base64'), 'latin1'));
  }
}
