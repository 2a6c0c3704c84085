import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { uniqueColumnNames } from './column-names';
import { neutralizeFormula } from './formula-guard';
import type { Column, EncodeInput, Encoder, Row } from './encoder';
import { valueAt } from './row';
import {
  columnLetter,
  contentTypesXml,
  escapeXml,
  ROOT_RELS_XML,
  sheetEndXml,
  sheetStartXml,
  STYLE,
  createStyleBook,
  workbookRelsXml,
  workbookXml,
} from './spreadsheet-parts';
import { ByteWriter, CHUNK_BYTES } from './byte-writer';
import { createCellWriter, type CellWriter } from './xlsx-bytes';
import { createXlsxCell, displayWidth, type XlsxCellOptions, type XlsxValue } from './xlsx-cells';

export interface XlsxOptions extends XlsxCellOptions {
  /** Data rows per sheet before a new sheet begins; Excel's maximum unless a test lowers it. */
  rowsPerSheet: number;
}

/** Excel's row limit is 1,048,576: the header plus this many data rows fill a sheet. */
export const MAX_DATA_ROWS_PER_SHEET = 1_048_575;
const WIDTH_SAMPLE_ROWS = 100;
const ROW_START = Buffer.from('<row r="', 'latin1');
const ROW_OPENED = Buffer.from('">', 'latin1');
const ROW_END = Buffer.from('</row>', 'latin1');
// Sheet XML is ~5× the size of the data; level 1 deflates it several times faster than level 6
// for files about 15% larger, and keeps compression off the critical path.
const COMPRESSION_LEVEL = 1;
// Fixed entry times: the same rows always give the same bytes.
const ENTRY_TIME = new Date(Date.UTC(2020, 0, 1));

/**
 * A real .xlsx, written as SpreadsheetML into a streaming zip (yazl): typed cells, a bold frozen
 * header with autofilter, widths from the first rows, and a new sheet (header repeated) every
 * 1,048,575 rows. exceljs's WorkbookWriter did the same at ~22k rows/s on the 12-column benchmark
 * table and needed hand-made backpressure; writing the XML directly, with the zip's own
 * backpressure, is several times faster (see docs/performance.md, The bench).
 */
export function createXlsxEncoder(overrides: Partial<XlsxOptions> = {}): Encoder {
  const options: XlsxOptions = {
    formulaGuard: true,
    timeZone: 'UTC',
    rowsPerSheet: MAX_DATA_ROWS_PER_SHEET,
    ...overrides,
  };
  return {
    format: 'xlsx',
    extension: 'xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    encode: (input) => {
      const zip = new ZipFile();
      const output = zip.outputStream as Readable;
      // When the reader goes away (a storage failure), stop waiting on the zip and stop reading rows.
      const stop = new AbortController();
      output.once('close', () => stop.abort());
      writeWorkbook(input, options, zip, stop.signal).catch((error: unknown) => output.destroy(error as Error));
      return output;
    },
  };
}

// eslint-disable-next-line max-lines-per-function -- writes the workbook's parts in the order the zip holds them, each a few lines
async function writeWorkbook(
  { columns, batches, stats }: EncodeInput,
  options: XlsxOptions,
  zip: ZipFile,
  signal: AbortSignal,
): Promise<void> {
  // A column name is text the caller chose (`SELECT 1 AS "=HYPERLINK(…)"`): guarded like any cell.
  const names = uniqueColumnNames(columns.map((c) => c.name)).map((name) =>
    options.formulaGuard ? neutralizeFormula(name) : name,
  );
  const letters = columns.map((_, i) => columnLetter(i));
  const styles = createStyleBook();
  const writers = columns.map((column, i) =>
    createCellWriter(column, options, styleAttribute(column, styles), letters[i] ?? 'A'),
  );
  const samplers = columns.map((column) => createXlsxCell(column, options));
  const lastColumn = letters[letters.length - 1] ?? 'A';
  const out = new ByteWriter();
  let sheet: PassThrough | undefined;
  let sheetCount = 0;
  let rowsInSheet = 0;
  let widths: number[] | undefined;
  let rowNumber = createRowNumber();

  const openSheet = (): PassThrough => {
    sheetCount += 1;
    const next = new PassThrough({ highWaterMark: 1024 * 1024 });
    zip.addReadStream(next, `xl/worksheets/sheet${sheetCount}.xml`, {
      compressionLevel: COMPRESSION_LEVEL,
      mtime: ENTRY_TIME,
    });
    const header = names.map(
      (name, i) => `<c r="${letters[i]}1" s="${STYLE.header}" t="inlineStr"><is><t>${escapeXml(name)}</t></is></c>`,
    );
    next.write(sheetStartXml(widths ?? []) + `<row r="1">${header.join('')}</row>`);
    rowsInSheet = 0;
    rowNumber = createRowNumber();
    return next;
  };

  for await (const batch of batches) {
    widths ??= sampleWidths(
      columns,
      names,
      batch.slice(0, WIDTH_SAMPLE_ROWS).map((row: Row) => samplers.map((cell, i) => cell(valueAt(row, i)))),
    );
    for (const { bytes, at } of batch) {
      if (!sheet || rowsInSheet >= options.rowsPerSheet) {
        if (sheet) {
          out.ascii(sheetEndXml(lastColumn));
          sheet.end(out.take());
        }
        sheet = openSheet();
      }
      rowsInSheet += 1;
      const r = rowNumber.next();
      out.bytes(ROW_START);
      out.bytes(r);
      out.bytes(ROW_OPENED);
      for (let i = 0; i < writers.length; i += 1) {
        const start = at[2 * i] as number;
        if (start >= 0) (writers[i] as CellWriter)(out, bytes, start, at[2 * i + 1] as number, r);
      }
      out.bytes(ROW_END);
    }
    stats.rows += batch.length;
    // The zip's pipe applies backpressure: wait while the compressor is behind.
    if (sheet && out.length >= CHUNK_BYTES && !sheet.write(out.take())) await once(sheet, 'drain', { signal });
  }
  if (!sheet) {
    widths ??= sampleWidths(columns, names, []);
    sheet = openSheet();
  }
  out.ascii(sheetEndXml(lastColumn));
  sheet.end(out.take());
  const part = (xml: string, name: string): void =>
    zip.addBuffer(Buffer.from(xml, 'utf8'), name, { compressionLevel: COMPRESSION_LEVEL, mtime: ENTRY_TIME });
  part(contentTypesXml(sheetCount), '[Content_Types].xml');
  part(ROOT_RELS_XML, '_rels/.rels');
  part(workbookXml(sheetCount, lastColumn), 'xl/workbook.xml');
  part(workbookRelsXml(sheetCount), 'xl/_rels/workbook.xml.rels');
  part(styles.xml(), 'xl/styles.xml');
  zip.end();
}

/**
 * The cell style of a column, decided once: dates and times get a date format; a decimal with a
 * scale shows its digits (`-5000.00`, not General's `-5000`); fractional seconds show (Excel shows
 * at most three decimals of a second; the value keeps what a double holds).
 */
function styleAttribute(column: Column, styles: ReturnType<typeof createStyleBook>): string {
  const fraction = (digits: number) => (digits > 0 ? `.${'0'.repeat(Math.min(digits, 3))}` : '');
  switch (column.kind) {
    case 'date':
      return ` s="${STYLE.date}"`;
    case 'datetime':
    case 'timestamp':
      return column.scale
        ? ` s="${styles.styleFor(`yyyy-mm-dd hh:mm:ss${fraction(column.scale)}`)}"`
        : ` s="${STYLE.datetime}"`;
    case 'time':
      return column.scale ? ` s="${styles.styleFor(`hh:mm:ss${fraction(column.scale)}`)}"` : ` s="${STYLE.time}"`;
    case 'decimal':
      return column.scale ? ` s="${styles.styleFor(`0.${'0'.repeat(column.scale)}`)}"` : '';
    case 'integer':
    case 'float':
    case 'year':
    case 'bit':
    case 'text':
    case 'json':
    case 'binary':
      return '';
  }
}

function sampleWidths(columns: readonly Column[], names: string[], rows: XlsxValue[][]): number[] {
  return columns.map((column, i) => {
    let widest = (names[i] ?? '').length;
    for (const row of rows.slice(0, WIDTH_SAMPLE_ROWS))
      widest = Math.max(widest, displayWidth(row[i] ?? null, column.kind));
    return Math.min(60, Math.max(8, widest + 2));
  });
}

/**
 * The next data row's number as ASCII digits (the header is row 1), counted up in place: a fresh
 * Buffer only when a digit is added. Building one from a string for every row was garbage the GC
 * had to collect a million times per million rows.
 */
function createRowNumber(): { next(): Buffer } {
  let digits = Buffer.from('1', 'latin1');
  return {
    next() {
      for (let i = digits.length - 1; i >= 0; i -= 1) {
        if (digits[i] !== 0x39) {
          digits[i] = (digits[i] as number) + 1;
          return digits;
        }
        digits[i] = 0x30;
      }
      digits = Buffer.concat([Buffer.from('1', 'latin1'), digits]);
      return digits;
    },
  };
}
