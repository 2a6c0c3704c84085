// Row batches to file bytes: the Encoder interface and a Row of raw bytes, CSV and JSON Lines
// written from the server's bytes, XLSX over a streaming zip (yazl), the formula guard and time
// zones; one contract suite (encoder.contract.ts) every encoder passes. Imports nothing of ours.
export type { Column, ColumnKind, Encoder, EncodeInput, EncodeStats, Row } from './encoder';
export { createCsvEncoder, CSV_PROFILES, DEFAULT_CSV_OPTIONS, type CsvOptions } from './csv-encoder';
export { createJsonLinesEncoder, type JsonLinesOptions } from './jsonl-encoder';
export { createXlsxEncoder, MAX_DATA_ROWS_PER_SHEET, type XlsxOptions } from './xlsx-encoder';
export { MAX_CELL_CHARS, TRUNCATION_MARKER } from './xlsx-cells';
export { neutralizeFormula } from './formula-guard';
export { uniqueColumnNames } from './column-names';
export { CHUNK_BYTES } from './byte-writer';
export { rowOf } from './row';
