export type { Column, ColumnKind, Encoder, EncodeInput, EncodeStats, Row } from './encoder';
export { createCsvEncoder, DEFAULT_CSV_OPTIONS, type CsvOptions } from './csv-encoder';
export { uniqueColumnNames } from './column-names';
export { encodeTextChunks, CHUNK_CHARS } from './text-chunks';
