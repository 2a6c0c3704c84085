import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { RowDataPacket } from 'mysql2';
import { Readable } from 'node:stream';
import { createEveryTypeHarness } from './every-type';
import { exportAndWait, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await createEveryTypeHarness('e2e_formats');
});

afterAll(async () => harness.close());

async function exportFile(fields: Record<string, unknown>): Promise<{ bytes: Buffer; result: Record<string, any> }> {
  const { result } = await exportAndWait(harness, fields);
  return { bytes: await harness.download({ result }), result };
}

/** What MariaDB holds, as its own text (TIMESTAMP in UTC), read by a separate session. */
async function databaseText(): Promise<(string | Buffer | null)[][]> {
  await harness.testDb.db.query("SET time_zone = '+00:00'");
  const [rows] = await harness.testDb.db.query<RowDataPacket[][]>({
    sql: 'SELECT * FROM every_type ORDER BY id',
    rowsAsArray: true,
    // Binary and BIT columns as bytes, everything else as the server's own text.
    typeCast: (field: { type: string; buffer(): Buffer; string(): string | null }) =>
      ['BLOB', 'STRING', 'BIT'].includes(field.type) ? field.buffer() : field.string(),
  } as never);
  return rows as unknown as (string | Buffer | null)[][];
}

const HEADER = [
  'id',
  'flag',
  'big',
  'price',
  'exact',
  'ratio',
  'precise',
  'day',
  'moment',
  'stamp',
  'took',
  'yr',
  'code',
  'note',
  'mood',
  'tags',
  'doc',
  'blob_col',
  'bin',
  'bits',
  'id_again',
];
const col = (name: string): number => HEADER.indexOf(name);

describe('every MySQL type, in every format, read back by an independent reader', () => {
  it('CSV (excel profile): exact text for every value, NULL empty, formulas neutralised, numbers untouched', async () => {
    const { bytes } = await exportFile({
      query: 'SELECT * FROM every_type ORDER BY id',
      format: 'csv',
      csv: { profile: 'excel' },
    });
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const parsed: string[][] = parse(bytes.toString('utf8').slice(1));
    const [header, ...records] = parsed;
    expect(header).toEqual(HEADER);
    const db = await databaseText();
    records.forEach((record, r) => {
      record.forEach((cell, c) => {
        const expected = db[r]![c];
        const name = HEADER[c]!;
        if (expected === null || expected === undefined) return expect(cell).toBe('');
        if (name === 'blob_col' || name === 'bin') return expect(cell).toBe((expected as Buffer).toString('base64'));
        if (name === 'bits')
          return expect(cell).toBe(BigInt(`0x${(expected as Buffer).toString('hex') || '0'}`).toString());
        if (name === 'ratio' || name === 'precise') return expect(Number(cell)).toBe(Number(expected));
        if (name === 'note' && String(expected).startsWith('=')) return expect(cell).toBe(`'${String(expected)}`);
        expect([name, cell]).toEqual([name, String(expected)]);
      });
    });
    expect(records[0]![col('price')]).toBe('-20.00');
  });

  it('JSON Lines: keys in order, exact numbers, ISO dates, embedded JSON, base64, null', async () => {
    const { bytes, result } = await exportFile({ query: 'SELECT * FROM every_type ORDER BY id', format: 'jsonl' });
    expect(result.file_name).toMatch(/\.jsonl$/);
    const lines = bytes.toString('utf8').trimEnd().split('\n');
    const rows = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(rows[0]!)).toEqual(HEADER);
    expect(rows[0]).toMatchObject({
      flag: 1,
      big: '18446744073709551615',
      price: -20,
      exact: '12345678901234567890.0123456789',
      ratio: 0.1,
      precise: 3.141592653589793,
      day: '2026-02-28',
      moment: '2026-02-28T23:59:59.123',
      stamp: '2026-01-01T12:00:00.500Z',
      took: '-838:59:59',
      yr: 2026,
      note: '=HYPERLINK("http://evil.example")',
      tags: 'a,c',
      doc: { formula: '=1+1' },
      blob_col: 'AP8Q',
      bin: '3q2+7w==',
      bits: 513,
    });
    // The JSON column's big number keeps every digit in the file.
    expect(lines[0]).toContain('"doc":{"id":12345678901234567890,"formula":"=1+1"}');
    expect(rows[1]).toMatchObject({
      big: '9007199254740993',
      note: 'Zoë 🚀\r\nline "two"',
      doc: [],
      blob_col: '',
      bits: 0,
      stamp: '2038-01-19T03:14:07.999Z',
    });
    expect(Object.entries(rows[2]!).filter(([, v]) => v !== null)).toEqual([
      ['id', 3],
      ['note', ''],
    ]);
  });

  it('JSON Lines in a named time zone moves TIMESTAMP only', async () => {
    const { bytes } = await exportFile({
      query: 'SELECT moment, stamp FROM every_type WHERE id = 1',
      format: 'json',
      time_zone: 'America/New_York',
    });
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({
      moment: '2026-02-28T23:59:59.123',
      stamp: '2026-01-01T07:00:00.500-05:00',
    });
  });

  it('XLSX: typed cells, exact text where Excel would round, dates as dates, no formulas', async () => {
    const { bytes, result } = await exportFile({ query: 'SELECT * FROM every_type ORDER BY id', format: 'excel' });
    expect(result.content_type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const cell = (row: number, name: string) => sheet.getRow(row).getCell(col(name) + 1);
    expect(sheet.getRow(1).values).toEqual([undefined, ...HEADER]);
    expect(cell(2, 'big').value).toBe('18446744073709551615');
    expect(cell(2, 'price').value).toBe(-20);
    expect(cell(2, 'exact').value).toBe('12345678901234567890.0123456789');
    expect(cell(2, 'ratio').value).toBeCloseTo(0.1, 6);
    expect(cell(2, 'day').value).toEqual(new Date('2026-02-28T00:00:00Z'));
    expect(cell(2, 'moment').value).toEqual(new Date('2026-02-28T23:59:59.123Z'));
    expect(cell(2, 'stamp').value).toEqual(new Date('2026-01-01T12:00:00.500Z'));
    expect(cell(2, 'took').value).toBe('-838:59:59');
    expect(cell(2, 'yr').value).toBe(2026);
    expect(cell(2, 'note').value).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(cell(2, 'doc').value).toBe(`{"id": 12345678901234567890, "formula": "=1+1"}`);
    expect(cell(2, 'bits').value).toBe(513);
    expect(cell(3, 'big').value).toBe('9007199254740993');
    expect(cell(3, 'day').value).toBe('1000-01-01'); // before Excel's calendar: kept as text
    expect(cell(3, 'note').value).toBe('Zoë 🚀\nline "two"');
    expect(cell(4, 'price').value).toBeNull();
    for (let r = 2; r <= 4; r += 1) {
      sheet.getRow(r).eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula));
    }
  });

  it('refuses CSV options on another format, an unknown profile, and an unknown time zone', async () => {
    for (const fields of [
      { format: 'json', csv: { delimiter: ';' } },
      { format: 'csv', csv: { profile: 'tsv' } },
      { format: 'csv', csv: { delimiter: ';', null: 'a;b' } },
      { format: 'csv', csv: { null: 'a,b' } },
      { format: 'csv', time_zone: 'Mars/Olympus' },
    ]) {
      const res = await harness.signed(
        'POST',
        '/export',
        JSON.stringify({ query: 'SELECT 1', email: 'a@example.com', ...fields }),
      );
      expect([JSON.stringify(fields), res.status, res.body.error.code]).toEqual([
        JSON.stringify(fields),
        400,
        'VALIDATION_FAILED',
      ]);
    }
  });
});

describe('XLSX past one sheet', () => {
  it('continues 1,100,000 rows on a second sheet that repeats the header', async () => {
    const { bytes, result } = await exportFile({
      query: "SELECT seq AS n, CONCAT('row ', seq) AS label FROM seq_1_to_1100000",
      format: 'xlsx',
    });
    expect(result.rows).toBe(1_100_000);
    // A streaming read: the whole workbook would not fit a test's memory comfortably.
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
      worksheets: 'emit',
    });
    const sheets: { name: string; rows: number; first: unknown[]; second: unknown[]; last: unknown[] }[] = [];
    for await (const worksheet of reader) {
      const seen = {
        name: (worksheet as unknown as { name: string }).name,
        rows: 0,
        first: [] as unknown[],
        second: [] as unknown[],
        last: [] as unknown[],
      };
      for await (const row of worksheet) {
        seen.rows += 1;
        const values = (row.values as unknown[]).slice(1);
        if (seen.rows === 1) seen.first = values;
        if (seen.rows === 2) seen.second = values;
        seen.last = values;
      }
      sheets.push(seen);
    }
    expect(sheets.map((s) => s.rows)).toEqual([1_048_576, 1_100_000 - 1_048_575 + 1]);
    expect(sheets[0]).toMatchObject({ first: ['n', 'label'], second: [1, 'row 1'], last: [1_048_575, 'row 1048575'] });
    expect(sheets[1]).toMatchObject({
      first: ['n', 'label'],
      second: [1_048_576, 'row 1048576'],
      last: [1_100_000, 'row 1100000'],
    });
  }, 240_000);
});
