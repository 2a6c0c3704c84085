import type { FieldPacket } from 'mysql2';

export type ColumnKind =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'year'
  | 'date'
  | 'datetime'
  | 'timestamp'
  | 'time'
  | 'text'
  | 'json'
  | 'binary'
  | 'bit';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** The MySQL type name, for logs and docs. */
  mysqlType: string;
  /**
   * For integer, decimal and bit columns: the most significant decimal digits a value can have.
   * Encoders use it to decide, once per column, whether a JSON or Excel number holds every value exactly.
   */
  digits?: number;
  /**
   * Digits after the point: a DECIMAL's scale, or the fractional seconds of a DATETIME, TIMESTAMP
   * or TIME (0 to 6). Absent when the server does not fix it (an expression of mixed types).
   */
  scale?: number;
}

// prettier-ignore
// Protocol column type ids (MySQL's field_types.h); fixed by the wire protocol.
const Types = {
  DECIMAL: 0x00, TINY: 0x01, SHORT: 0x02, LONG: 0x03, FLOAT: 0x04, DOUBLE: 0x05, NULL: 0x06,
  TIMESTAMP: 0x07, LONGLONG: 0x08, INT24: 0x09, DATE: 0x0a, TIME: 0x0b, DATETIME: 0x0c, YEAR: 0x0d,
  NEWDATE: 0x0e, VARCHAR: 0x0f, BIT: 0x10, TIMESTAMP2: 0x11, DATETIME2: 0x12, TIME2: 0x13,
  JSON: 0xf5, NEWDECIMAL: 0xf6, ENUM: 0xf7, SET: 0xf8, TINY_BLOB: 0xf9, MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb, BLOB: 0xfc, VAR_STRING: 0xfd, STRING: 0xfe, GEOMETRY: 0xff,
} as const;
const TYPE_NAMES = new Map<number, string>(Object.entries(Types).map(([name, id]) => [id, name]));
const BINARY_CHARSET = 63;
const UNSIGNED_FLAG = 32;
const INTEGER_DIGITS = new Map<number, [signed: number, unsigned: number]>([
  [Types.TINY, [3, 3]],
  [Types.SHORT, [5, 5]],
  [Types.INT24, [7, 8]],
  [Types.LONG, [10, 10]],
  [Types.LONGLONG, [19, 20]],
]);

/** Decides, once per column, how its values will be written. */
export function describeColumn(field: FieldPacket & { extendedFormat?: string }): ColumnInfo {
  const type = field.columnType ?? -1;
  const mysqlType = TYPE_NAMES.get(type) ?? `TYPE_${type}`;
  const kind = kindOf(type, field);
  const digits = digitsOf(kind, type, field);
  const scale = scaleOf(kind, field);
  return {
    name: field.name,
    kind,
    mysqlType,
    ...(digits === undefined ? {} : { digits }),
    ...(scale === undefined ? {} : { scale }),
  };
}

// The server says 31 (NOT_FIXED_DEC) when it cannot fix the scale of an expression.
const MAX_DECIMAL_SCALE = 30;
const MAX_FRACTIONAL_SECONDS = 6;

function scaleOf(kind: ColumnKind, field: FieldPacket): number | undefined {
  const decimals = field.decimals;
  if (typeof decimals !== 'number') return undefined;
  if (kind === 'decimal' && decimals <= MAX_DECIMAL_SCALE) return decimals;
  const isTemporal = kind === 'datetime' || kind === 'timestamp' || kind === 'time';
  if (isTemporal && decimals <= MAX_FRACTIONAL_SECONDS) return decimals;
  return undefined;
}

function digitsOf(kind: ColumnKind, type: number, field: FieldPacket): number | undefined {
  const isUnsigned =
    typeof field.flags === 'number' ? (field.flags & UNSIGNED_FLAG) !== 0 : field.flags.includes('UNSIGNED');
  const length = field.columnLength ?? 0;
  if (kind === 'integer') return INTEGER_DIGITS.get(type)?.[isUnsigned ? 1 : 0] ?? 20;
  // DECIMAL(p,s) reports p, plus one for the point when s > 0, plus one for the sign when signed.
  if (kind === 'decimal') return length - ((field.decimals ?? 0) > 0 ? 1 : 0) - (isUnsigned ? 0 : 1);
  if (kind === 'bit') return Math.ceil(length * Math.log10(2));
  return undefined;
}

function kindOf(type: number, field: FieldPacket & { extendedFormat?: string }): ColumnKind {
  // MariaDB's JSON is LONGTEXT on the wire; only extended metadata tells it apart.
  if (field.extendedFormat === 'json') return 'json';
  switch (type) {
    case Types.TINY:
    case Types.SHORT:
    case Types.LONG:
    case Types.INT24:
    case Types.LONGLONG:
      return 'integer';
    case Types.DECIMAL:
    case Types.NEWDECIMAL:
      return 'decimal';
    case Types.FLOAT:
    case Types.DOUBLE:
      return 'float';
    case Types.YEAR:
      return 'year';
    case Types.DATE:
    case Types.NEWDATE:
      return 'date';
    case Types.DATETIME:
    case Types.DATETIME2:
      return 'datetime';
    case Types.TIMESTAMP:
    case Types.TIMESTAMP2:
      return 'timestamp';
    case Types.TIME:
    case Types.TIME2:
      return 'time';
    case Types.JSON:
      return 'json';
    case Types.BIT:
      return 'bit';
    case Types.GEOMETRY:
      return 'binary';
    default:
      return field.characterSet === BINARY_CHARSET ? 'binary' : 'text';
  }
}
