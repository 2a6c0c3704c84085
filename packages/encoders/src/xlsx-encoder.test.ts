import ExcelJS from 'exceljs';
import type { Column, Row } from './encoder';
import { describeEncoderContract, encodeAll, rowInPacket, type ReadBack, type Values } from './encoder.contract';
import { MAX_CELL_CHARS, TRUNCATION_MARKER } from './xlsx-cells';
import { createXlsxEncoder } from './xlsx-encoder';

async function readSheets(bytes: Buffer): Promise<ExcelJS.Worksheet[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets;
}

const cellText = (value: ExcelJS.CellValue): string | null => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

async function readBack(bytes: Buffer): Promise<ReadBack> {
  const [sheet] = await readSheets(bytes);
  const rows: (string | null)[][] = [];
  let header: string[] = [];
  sheet!.eachRow({ includeEmpty: true }, (row, n) => {
    const values = Array.from({ length: sheet!.columnCount }, (_, i) => cellText(row.getCell(i + 1).value));
    if (n === 1) header = values.map((v) => v ?? '');
    else rows.push(values);
  });
  return { header, rows };
}

describeEncoderContract('xlsx', () => createXlsxEncoder({ formulaGuard: false }), readBack, {
  nullAndEmpty: 'both-null',
  isLineEndFolded: true,
});

describe('XLSX cells', () => {
  it('types cells: numbers, exact text past 15 digits, dates, times; bold frozen header with autofilter', async () => {
    const columns: Column[] = [
      { name: 'id', kind: 'integer', digits: 20 },
      { name: 'score', kind: 'decimal', digits: 10 },
      { name: 'made', kind: 'date' },
      { name: 'seen', kind: 'datetime' },
      { name: 'took', kind: 'time' },
      { name: 'note', kind: 'text' },
    ];
    const rows: Values[] = [
      ['9007199254740993', '-20.00', '2026-02-28', '2026-02-28 23:59:59.250', '12:30:15', '=HYPERLINK("http://evil")'],
      ['42', '0.01', '0000-00-00', '1899-12-31 00:00:00', '-01:00:00', '-5'],
      ['43', '0', '1900-02-28', '1900-03-01 00:00:00', '00:00:00', 'x'],
    ];
    const [sheet] = await readSheets((await encodeAll(createXlsxEncoder(), columns, rows)).bytes);
    const first = sheet!.getRow(2);
    expect(first.getCell(1).value).toBe('9007199254740993');
    expect(first.getCell(2).value).toBe(-20);
    expect(first.getCell(3).value).toEqual(new Date('2026-02-28T00:00:00Z'));
    expect(first.getCell(3).numFmt).toBe('yyyy-mm-dd');
    expect(first.getCell(4).value).toEqual(new Date('2026-02-28T23:59:59.250Z'));
    // A time of day is a fraction of a day with a time format; readers show it on Excel's day zero.
    expect(first.getCell(5).value).toEqual(new Date('1899-12-30T12:30:15Z'));
    expect(first.getCell(5).numFmt).toBe('hh:mm:ss');
    expect(first.getCell(6).value).toBe('\'=HYPERLINK("http://evil")');
    expect(first.getCell(6).type).toBe(ExcelJS.ValueType.String);
    const second = sheet!.getRow(3);
    expect(second.getCell(1).value).toBe(42);
    expect(second.getCell(3).value).toBe('0000-00-00');
    expect(second.getCell(4).value).toBe('1899-12-31 00:00:00');
    expect(second.getCell(5).value).toBe('-01:00:00');
    expect(second.getCell(6).value).toBe('-5');
    // Before 1900-03-01 Excel and LibreOffice read the same serial as different days: text.
    const third = sheet!.getRow(4);
    expect(third.getCell(3).value).toBe('1900-02-28');
    expect(third.getCell(4).value).toEqual(new Date('1900-03-01T00:00:00Z'));
    expect(sheet!.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet!.autoFilter).toBeDefined();
  });

  it('never makes a formula, link or rich text out of data', async () => {
    const columns: Column[] = [{ name: 'doc', kind: 'json' }];
    const rows: Values[] = [
      ['{"formula": "1+1", "result": 2}'],
      ['{"hyperlink": "http://x", "text": "x"}'],
      ['{"richText": []}'],
    ];
    const [sheet] = await readSheets(
      (await encodeAll(createXlsxEncoder({ formulaGuard: false }), columns, rows)).bytes,
    );
    for (let r = 2; r <= 4; r += 1) expect(sheet!.getRow(r).getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet!.getRow(2).getCell(1).value).toBe('{"formula": "1+1", "result": 2}');
  });

  it('guards text that a spreadsheet would run, from the server\u2019s bytes as from strings', async () => {
    const texts = [
      ['=1+1', "'=1+1"],
      ['+1 555 0100', "'+1 555 0100"],
      ['-5', '-5'],
      ['+1.5e3', '+1.5e3'],
      ['-draft-', "'-draft-"],
      ['@team', "'@team"],
      ['\uFF1DSUM(A1)', "'\uFF1DSUM(A1)"],
      ['\tindented', "'\tindented"],
      ['a "q" & <b>', 'a "q" & <b>'],
      ['bell\u0007 and \uFFFE gone', 'bell and  gone'],
      ['=x\r\ny', "'=x\ny"],
    ];
    const columns: Column[] = [{ name: 'note', kind: 'text' }];
    for (const rows of [texts.map(([sent]) => [Buffer.from(sent!, 'utf8')]), texts.map(([sent]) => [sent!])]) {
      const back = await readBack((await encodeAll(createXlsxEncoder(), columns, rows)).bytes);
      expect(back.rows.map(([cell]) => cell)).toEqual(texts.map(([, shown]) => shown));
    }
  });

  it('guards column names as it guards text cells', async () => {
    const named: Column[] = [
      { name: '=HYPERLINK("http://x")', kind: 'text' },
      { name: 'plain', kind: 'text' },
    ];
    const guarded = await readBack((await encodeAll(createXlsxEncoder(), named, [['a', 'b']])).bytes);
    expect(guarded.header).toEqual(['\'=HYPERLINK("http://x")', 'plain']);
    const off = await readBack(
      (await encodeAll(createXlsxEncoder({ formulaGuard: false }), named, [['a', 'b']])).bytes,
    );
    expect(off.header).toEqual(['=HYPERLINK("http://x")', 'plain']);
  });

  it('cuts text longer than a cell holds, with a marker', async () => {
    const [sheet] = await readSheets(
      (await encodeAll(createXlsxEncoder(), [{ name: 't', kind: 'text' }], [['x'.repeat(40_000)]])).bytes,
    );
    const value = sheet!.getRow(2).getCell(1).value as string;
    expect(value).toHaveLength(MAX_CELL_CHARS);
    expect(value.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('continues on a new sheet that repeats the header when a sheet is full', async () => {
    const rows: Values[] = Array.from({ length: 7 }, (_, i) => [String(i + 1)]);
    const sheets = await readSheets(
      (await encodeAll(createXlsxEncoder({ rowsPerSheet: 3 }), [{ name: 'n', kind: 'integer', digits: 10 }], rows))
        .bytes,
    );
    expect(sheets.map((s) => s.name)).toEqual(['Sheet1', 'Sheet2', 'Sheet3']);
    expect(
      sheets.map((s) =>
        s
          .getSheetValues()
          .slice(1)
          .map((r) => (r as ExcelJS.CellValue[])[1]),
      ),
    ).toEqual([
      ['n', 1, 2, 3],
      ['n', 4, 5, 6],
      ['n', 7],
    ]);
  });

  it('numbers rows past a new digit (9 → 10, 99 → 100) as a spreadsheet reads them', async () => {
    const rows: Values[] = Array.from({ length: 120 }, (_, i) => [String(i + 1)]);
    const [sheet] = await readSheets(
      (await encodeAll(createXlsxEncoder(), [{ name: 'n', kind: 'integer', digits: 10 }], rows)).bytes,
    );
    const seen: [number, ExcelJS.CellValue][] = [];
    sheet!.eachRow((row, n) => seen.push([n, row.getCell(1).value]));
    expect(seen).toEqual([[1, 'n'], ...rows.map((_, i): [number, number] => [i + 2, i + 1])]);
  });
});

describe('XLSX when the reader stops', () => {
  it('stops reading rows instead of waiting forever', async () => {
    let isClosed = false;
    async function* endless(): AsyncIterable<Row[]> {
      try {
        for (let i = 0; ; i += 1)
          yield Array.from({ length: 1000 }, (_, j) => rowInPacket([String(i * 1000 + j), 'x'.repeat(200)]));
      } finally {
        isClosed = true;
      }
    }
    const columns: Column[] = [
      { name: 'n', kind: 'integer', digits: 10 },
      { name: 't', kind: 'text' },
    ];
    const output = createXlsxEncoder().encode({
      columns,
      batches: endless(),
      stats: { rows: 0 },
    }) as NodeJS.ReadableStream & { destroy(): void };
    for await (const chunk of output) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break; // leaving the loop destroys the stream, as a failed pipeline does
    }
    const deadline = Date.now() + 5_000;
    while (!isClosed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(isClosed).toBe(true);
  });
});

describe('XLSX number formats', () => {
  it('shows a decimal with its scale and fractional seconds as a spreadsheet displays them', async () => {
    const columns: Column[] = [
      { name: 'amount', kind: 'decimal', digits: 10, scale: 2 },
      { name: 'rate', kind: 'decimal', digits: 10, scale: 4 },
      { name: 'whole', kind: 'decimal', digits: 10, scale: 0 },
      { name: 'at', kind: 'datetime', scale: 3 },
      { name: 'stamped', kind: 'timestamp', scale: 6 },
      { name: 'plain', kind: 'datetime', scale: 0 },
      { name: 'took', kind: 'time', scale: 2 },
      { name: 'also', kind: 'decimal', digits: 10, scale: 2 },
    ];
    const rows: Values[] = [
      [
        '-5000.00',
        '0.1250',
        '7',
        '2026-02-28 23:59:59.250',
        '2026-02-28 10:00:00.123456',
        '2026-01-01 00:00:00',
        '01:02:03.50',
        '1.10',
      ],
    ];
    const { bytes } = await encodeAll(createXlsxEncoder({ formulaGuard: false }), columns, rows);
    const [sheet] = await readSheets(bytes);
    const cell = (column: number) => sheet!.getRow(2).getCell(column);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((column) => cell(column).numFmt ?? 'General')).toEqual([
      '0.00',
      '0.0000',
      'General',
      'yyyy-mm-dd hh:mm:ss.000',
      'yyyy-mm-dd hh:mm:ss.000',
      'yyyy-mm-dd hh:mm:ss',
      'hh:mm:ss.00',
      '0.00',
    ]);
    expect(cell(1).value).toBe(-5000);
    expect((cell(4).value as Date).toISOString()).toBe('2026-02-28T23:59:59.250Z');
  });
});
