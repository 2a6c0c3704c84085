import { bitsToDecimal, isNull, MAX_EXACT_DIGITS, toBuffer, toText } from './cell-values';
import { uniqueColumnNames } from './column-names';
import { compactJson } from './compact-json';
import type { Column, Encoder, Row } from './encoder';
import { encodeTextChunks } from './text-chunks';
import { createTimestampZoner } from './time-zone';

export interface JsonLinesOptions {
  /** TIMESTAMP values are written in this zone, with its offset. */
  timeZone: string;
}

type Value = (value: unknown) => string;

/**
 * JSON Lines: one object per row, keys in SELECT order, `\n` after each. Values are never
 * altered for spreadsheets: there is no formula guard here.
 */
export function createJsonLinesEncoder(options: Partial<JsonLinesOptions> = {}): Encoder {
  const timeZone = options.timeZone ?? 'UTC';
  return {
    format: 'json',
    extension: 'jsonl',
    contentType: 'application/x-ndjson; charset=utf-8',
    encode: ({ columns, batches, stats }) => {
      const keys = uniqueColumnNames(columns.map((c) => c.name)).map(
        (name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`,
      );
      const values = columns.map((column) => createValue(column, timeZone));
      const encodeRow = (row: Row): string => {
        let line = '';
        for (let i = 0; i < values.length; i += 1) {
          const value = row[i];
          line += (keys[i] as string) + (isNull(value) ? 'null' : (values[i] as Value)(value));
        }
        return (values.length === 0 ? '{' : line) + '}\n';
      };
      return encodeTextChunks(batches, stats, { head: '', encodeRow, tail: '' });
    },
  };
}

function createValue(column: Column, timeZone: string): Value {
  // Decided per column, so a key never changes JSON type from one row to the next: a column whose
  // values can exceed what a double holds exactly (BIGINT, DECIMAL(16+), BIT(50+)) is all strings.
  const isExactAsNumber = (column.digits ?? Infinity) <= MAX_EXACT_DIGITS;
  const str = (text: string): string => JSON.stringify(text);
  switch (column.kind) {
    case 'integer':
    case 'decimal':
      return isExactAsNumber ? (v) => toText(v) : (v) => str(toText(v));
    case 'bit':
      return isExactAsNumber ? (v) => bitsToDecimal(toBuffer(v)) : (v) => str(bitsToDecimal(toBuffer(v)));
    case 'float':
    case 'year':
      return (v) => toText(v);
    case 'date':
    case 'time':
    case 'text':
      return (v) => str(toText(v));
    case 'datetime':
      return (v) => str(toText(v).replace(' ', 'T'));
    case 'timestamp': {
      const zone = createTimestampZoner(timeZone);
      return (v) => {
        const { wall, offset } = zone(toText(v));
        return str(`${wall.replace(' ', 'T')}${offset}`);
      };
    }
    case 'json':
      return (v) => {
        const text = toText(v);
        return compactJson(text) ?? str(text);
      };
    case 'binary':
      return (v) => str(toBuffer(v).toString('base64'));
  }
}
