import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueColumnNames } from './column-names';
import type { Column, EncodeInput, Encoder, Row } from './encoder';
import { createXlsxCell, displayWidth, NUMBER_FORMATS, type XlsxCellOptions, type XlsxValue } from './xlsx-cells';

export interface XlsxOptions extends XlsxCellOptions {
  /** Data rows per sheet before a new sheet begins; Excel's maximum unless a test lowers it. */
  rowsPerSheet: number;
}

/** Excel's row limit is 1,048,576: the header plus this many data rows fill a sheet. */
export const MAX_DATA_ROWS_PER_SHEET = 1_048_575;
const WIDTH_SAMPLE_ROWS = 100;
// exceljs writes sheet XML into the zip without waiting for it (exceljs issues #734, #1894, #2916):
// above this many bytes queued ahead of the compressor, we stop adding rows until it catches up.
const MAX_PENDING_XML_BYTES = 4 * 1024 * 1024;

/**
 * A real .xlsx, streamed with exceljs's WorkbookWriter: typed cells, a bold frozen header with
 * autofilter, widths from the first rows, and a new sheet (header repeated) every 1,048,575 rows.
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
      const output = new PassThrough({ highWaterMark: 1024 * 1024 });
      writeWorkbook(input, options, output).catch((error: unknown) => output.destroy(error as Error));
      return output;
    },
  };
}

async function writeWorkbook(
  { columns, batches, stats }: EncodeInput,
  options: XlsxOptions,
  output: PassThrough,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const names = uniqueColumnNames(columns.map((c) => c.name));
  const cells = columns.map((column) => createXlsxCell(column, options));
  let sheet: ExcelJS.Worksheet | undefined;
  let widths: number[] | undefined;
  let rowsInSheet = 0;
  let sheetCount = 0;

  const openSheet = (): ExcelJS.Worksheet => {
    sheetCount += 1;
    const next = workbook.addWorksheet(`Sheet${sheetCount}`, { views: [{ state: 'frozen', ySplit: 1 }] });
    next.columns = columns.map((column, i) => ({ width: widths?.[i] ?? 12, style: styleFor(column) }));
    next.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, columns.length) } };
    const header = next.addRow(names);
    header.font = { bold: true };
    header.commit();
    rowsInSheet = 0;
    return next;
  };

  for await (const batch of batches) {
    if (output.destroyed) return;
    const values = batch.map((row: Row) => cells.map((cell, i) => cell(row[i])));
    widths ??= sampleWidths(columns, names, values);
    for (const rowValues of values) {
      if (!sheet || rowsInSheet >= options.rowsPerSheet) {
        sheet?.commit();
        sheet = openSheet();
      }
      sheet.addRow(rowValues).commit();
      rowsInSheet += 1;
    }
    stats.rows += batch.length;
    while (pendingXmlBytes(sheet) > MAX_PENDING_XML_BYTES && !output.destroyed) await sleep(1);
  }
  if (!sheet) {
    widths ??= sampleWidths(columns, names, []);
    sheet = openSheet();
  }
  sheet.commit();
  await workbook.commit();
}

function styleFor(column: Column): Partial<ExcelJS.Style> {
  const numFmt = NUMBER_FORMATS[column.kind];
  return numFmt ? { numFmt } : {};
}

function sampleWidths(columns: readonly Column[], names: string[], rows: XlsxValue[][]): number[] {
  return columns.map((column, i) => {
    let widest = (names[i] ?? '').length;
    for (const row of rows.slice(0, WIDTH_SAMPLE_ROWS))
      widest = Math.max(widest, displayWidth(row[i] ?? null, column.kind));
    return Math.min(60, Math.max(8, widest + 2));
  });
}

interface QueuedStream {
  writableLength?: number;
  // archiver's streams come from readable-stream, which has no writableLength.
  _writableState?: { length?: number };
}

/** Bytes of sheet XML written by exceljs but not yet taken by the zip compressor (exceljs internals). */
function pendingXmlBytes(sheet: ExcelJS.Worksheet | undefined): number {
  const stream = (sheet as unknown as { _stream?: { buffers?: unknown[]; pipes?: QueuedStream[] } } | undefined)
    ?._stream;
  if (!stream) return 0;
  const buffered = (stream.buffers?.length ?? 0) * 65_536;
  const piped = (stream.pipes ?? []).reduce(
    (sum, pipe) => sum + (pipe.writableLength ?? pipe._writableState?.length ?? 0),
    0,
  );
  return buffered + piped;
}
