import type { FieldPacket } from 'mysql2';

export type ColumnKind =
  'integer' | 'decimal' | 'float' | 'year' | 'date' | 'datetime' | 'time' | 'text' | 'json' | 'binary' | 'bit';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** The MySQL type name, for logs and docs. */
  mysqlType: string;
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

/** Decides, once per column, how its values will be written. */
export function describeColumn(field: FieldPacket & { extendedFormat?: string }): ColumnInfo {
  const type = field.columnType ?? -1;
  const mysqlType = TYPE_NAMES.get(type) ?? `TYPE_${type}`;
  return { name: field.name, kind: kindOf(type, field), mysqlType };
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
    case Types.TIMESTAMP:
    case Types.TIMESTAMP2:
      return 'datetime';
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
