import type { Query } from 'mysql2';

/**
 * One row as the server sent it, never copied: value i is `bytes[at[2i]]` up to `at[2i + 1]`, or
 * SQL NULL where `at[2i]` is -1. The encoders' `Row` has the same shape (leaf packages do not
 * import each other; run-export's assignment fails to compile if the two ever differ).
 */
export interface RawRow {
  bytes: Buffer;
  at: number[];
}

/** What this parser reads of mysql2's packet: the payload is `buffer[offset…end)`. */
interface Packet {
  buffer: Buffer;
  offset: number;
  end: number;
}

const NULL_VALUE = 0xfb;
const TWO_BYTE_LENGTH = 0xfc;
const THREE_BYTE_LENGTH = 0xfd;
const EIGHT_BYTE_LENGTH = 0xfe;

/**
 * Has mysql2 hand this query's rows over as `RawRow`s. With `typeCast: false` mysql2 makes a Buffer
 * (a view) per value; reading 1 M rows of the 12-column benchmark table took 1.09–1.20 s of CPU that
 * way and 0.65–0.72 s with offsets, and the encoders then copy from the packet directly.
 * mysql2 has no option for a row parser: its Query keeps the one it generates in `_rowParser`,
 * which this replaces through an accessor (mysql2 3.x; `collectRowBatches` fails the export
 * plainly if rows arrive in any other shape, and the integration tests read through it).
 */
export function readRowsInPlace(query: Query): void {
  // mysql2 calls next(packet, fields, options) for each row, with the result set's column list.
  const parser = { next: (packet: Packet, fields: readonly unknown[]): RawRow => parseRow(packet, fields.length) };
  Object.defineProperty(query, '_rowParser', { configurable: true, get: () => parser, set: () => undefined });
}

/** A text-protocol row: each value a length-encoded string, or 0xFB for NULL. */
function parseRow(packet: Packet, columnCount: number): RawRow {
  const bytes = packet.buffer;
  let offset = packet.offset;
  const at = new Array<number>(columnCount * 2);
  for (let i = 0; i < columnCount; i += 1) {
    let length = bytes[offset++] as number;
    if (length === NULL_VALUE) {
      at[2 * i] = -1;
      at[2 * i + 1] = -1;
      continue;
    }
    if (length === TWO_BYTE_LENGTH) {
      length = bytes.readUInt16LE(offset);
      offset += 2;
    } else if (length === THREE_BYTE_LENGTH) {
      length = bytes.readUIntLE(offset, 3);
      offset += 3;
    } else if (length === EIGHT_BYTE_LENGTH) {
      length = bytes.readUInt32LE(offset) + bytes.readUInt32LE(offset + 4) * 2 ** 32;
      offset += 8;
    }
    at[2 * i] = offset;
    offset += length;
    at[2 * i + 1] = offset;
  }
  if (offset > packet.end) throw new Error('a row packet from the server ended inside a value');
  return { bytes, at };
}

export function isRawRow(row: unknown): row is RawRow {
  return Buffer.isBuffer((row as RawRow | undefined)?.bytes) && Array.isArray((row as RawRow).at);
}

/** A row's values as Buffers (views of the packet) and nulls, for callers that want them one by one. */
export function valuesOf(row: RawRow): (Buffer | null)[] {
  const values: (Buffer | null)[] = [];
  for (let i = 0; i < row.at.length; i += 2) {
    const start = row.at[i] as number;
    values.push(start < 0 ? null : row.bytes.subarray(start, row.at[i + 1]));
  }
  return values;
}
