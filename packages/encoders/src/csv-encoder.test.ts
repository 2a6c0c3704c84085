import { parse } from 'csv-parse/sync';
import { createCsvEncoder, CSV_PROFILES } from './csv-encoder';
import { describeEncoderContract, inBatches, type Values } from './encoder.contract';
import type { Column } from './encoder';
import { CHUNK_BYTES } from './byte-writer';

async function encodeToString(
  columns: Column[],
  rows: Values[],
  options = {},
): Promise<{ text: string; chunks: number; rows: number }> {
  const stats = { rows: 0 };
  const chunks: Buffer[] = [];
  for await (const chunk of createCsvEncoder({ formulaGuard: false, ...options }).encode({
    columns,
    batches: inBatches(rows),
    stats,
  }))
    chunks.push(chunk);
  return { text: Buffer.concat(chunks).toString('utf8'), chunks: chunks.length, rows: stats.rows };
}

const columns: Column[] = [
  { name: 'id', kind: 'integer' },
  { name: 'name', kind: 'text' },
  { name: 'score', kind: 'decimal' },
  { name: 'name', kind: 'text' },
  { name: 'created_at', kind: 'datetime' },
  { name: 'avatar', kind: 'binary' },
  { name: 'flags', kind: 'bit' },
];

describe('CSV encoder', () => {
  it('writes RFC 4180 bytes: CRLF, quotes only where needed, doubled inner quotes', async () => {
    const { text } = await encodeToString(
      [
        { name: 'id', kind: 'integer' },
        { name: 'note', kind: 'text' },
      ],
      [
        ['9007199254740993', 'plain'],
        [2, 'say "hi", then\r\nleave'],
      ],
    );
    expect(text).toBe('id,note\r\n9007199254740993,plain\r\n2,"say ""hi"", then\r\nleave"\r\n');
  });

  it('keeps NULL and empty string apart: NULL is an empty field, empty string is ""', async () => {
    const { text } = await encodeToString(
      [
        { name: 'a', kind: 'text' },
        { name: 'b', kind: 'text' },
        { name: 'c', kind: 'integer' },
      ],
      [[null, '', null]],
    );
    expect(text).toBe('a,b,c\r\n,"",\r\n');
  });

  it('round-trips through an independent reader, in column order, with duplicate names kept apart', async () => {
    const rows: Values[] = [
      [
        '18446744073709551615',
        'Zoë, "the" 🚀',
        '12345678901234567890.12',
        'second',
        '2026-01-01 00:00:00.123',
        Buffer.from([0, 255, 10]),
        Buffer.from([1, 1]),
      ],
      [1, null, '-0.50', '', null, null, null],
      [2, 'line1\nline2', '0.00', '中文', '1970-01-01 00:00:00', Buffer.alloc(0), Buffer.from([0])],
    ];
    const { text, rows: counted } = await encodeToString(columns, rows);
    const records: string[][] = parse(text, { relax_column_count: false });
    expect(records[0]).toEqual(['id', 'name', 'score', 'name_2', 'created_at', 'avatar', 'flags']);
    expect(records.slice(1)).toEqual([
      [
        '18446744073709551615',
        'Zoë, "the" 🚀',
        '12345678901234567890.12',
        'second',
        '2026-01-01 00:00:00.123',
        'AP8K',
        '257',
      ],
      ['1', '', '-0.50', '', '', '', ''],
      ['2', 'line1\nline2', '0.00', '中文', '1970-01-01 00:00:00', '', '0'],
    ]);
    expect(counted).toBe(3);
  });

  it('honours delimiter, line ending, NULL token and header options', async () => {
    const { text } = await encodeToString(
      [
        { name: 'a;b', kind: 'text' },
        { name: 'n', kind: 'integer' },
      ],
      [['x;y', null]],
      { delimiter: ';', lineEnding: '\n', nullToken: '\\N', header: true },
    );
    expect(text).toBe('"a;b";n\n"x;y";\\N\n');
  });

  it('emits large chunks, not one per row', async () => {
    const rows: Values[] = Array.from({ length: 20_000 }, (_, i) => [i, `name ${i} with some padding text`]);
    const { chunks, text } = await encodeToString(
      [
        { name: 'id', kind: 'integer' },
        { name: 'name', kind: 'text' },
      ],
      rows,
    );
    expect(chunks).toBeGreaterThan(1);
    expect(chunks).toBeLessThanOrEqual(Math.ceil(Buffer.byteLength(text) / CHUNK_BYTES));
    expect(text.split('\r\n')).toHaveLength(20_002);
  });

  it('writes only the header for an empty result', async () => {
    expect((await encodeToString(columns.slice(0, 2), [])).text).toBe('id,name\r\n');
  });
});

describeEncoderContract(
  'csv',
  () => createCsvEncoder({ formulaGuard: false }),
  async (bytes) => {
    const records: string[][] = parse(bytes.toString('utf8'));
    const [header = [], ...rows] = records;
    return { header, rows };
  },
  { nullAndEmpty: 'both-empty-string', isLineEndFolded: false },
);

describe('CSV options', () => {
  const cols: Column[] = [
    { name: 'note', kind: 'text' },
    { name: 'amount', kind: 'decimal', digits: 10 },
  ];

  it('writes a BOM and guards formulas with the excel profile, but never touches numbers', async () => {
    const { text } = await encodeToString(
      cols,
      [
        ['=HYPERLINK("http://x")', '-20.00'],
        ['-5', '1'],
        ['＠SUM(A1)', '2'],
      ],
      CSV_PROFILES.excel,
    );
    expect(text).toBe('\uFEFFnote,amount\r\n"\'=HYPERLINK(""http://x"")",-20.00\r\n-5,1\r\n\'＠SUM(A1),2\r\n');
  });

  it('leaves every byte alone with the rfc4180 profile', async () => {
    const { text } = await encodeToString(cols, [['=1+1', '-1']], CSV_PROFILES.rfc4180);
    expect(text).toBe('note,amount\r\n=1+1,-1\r\n');
  });

  it('guards column names too, since the caller chooses them', async () => {
    const named: Column[] = [
      { name: '=HYPERLINK("http://x")', kind: 'text' },
      { name: '-5', kind: 'integer' },
      { name: '@cmd', kind: 'text' },
    ];
    const guarded = await encodeToString(named, [['a', '1', 'b']], CSV_PROFILES.excel);
    expect(guarded.text).toBe('\uFEFF"\'=HYPERLINK(""http://x"")",-5,\'@cmd\r\na,1,b\r\n');
    const plain = await encodeToString(named, [['a', '1', 'b']], CSV_PROFILES.rfc4180);
    expect(plain.text).toBe('"=HYPERLINK(""http://x"")",-5,@cmd\r\na,1,b\r\n');
  });

  it('writes no header when asked, and tab-separated fields', async () => {
    const { text } = await encodeToString(cols, [['a\tb', '1']], { header: false, delimiter: '\t' });
    expect(text).toBe('"a\tb"\t1\r\n');
  });
});
