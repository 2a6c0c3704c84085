import { ByteWriter } from './byte-writer';
import type { Column } from './encoder';
import { rowInPacket } from './encoder.contract';
import { createCellWriter, writeSerial, writeValue } from './xlsx-bytes';
import { createXlsxCell, type XlsxCellOptions } from './xlsx-cells';

const EXCEL_DAY_ZERO_MS = Date.UTC(1899, 11, 30);
/** A cell writer's arguments for one value, which sits inside a larger buffer as in a packet. */
const inPacket = (value: string): [Buffer, number, number] => {
  const { bytes, at } = rowInPacket([value]);
  return [bytes, at[0] as number, at[1] as number];
};
const written = (write: (out: ByteWriter) => void): string => {
  const out = new ByteWriter();
  write(out);
  return out.take().toString('latin1');
};

/** Each value's cell as the byte path writes it from the server's text, and as the string path does. */
function bothPaths(column: Column, options: XlsxCellOptions, values: string[]): { fast: string[]; slow: string[] } {
  const fromBytes = createCellWriter(column, options, ' s="1"', 'B');
  const cell = createXlsxCell(column, options);
  const row = Buffer.from('7', 'latin1');
  return {
    fast: values.map((value) => written((out) => fromBytes(out, ...inPacket(value), row))),
    slow: values.map((value) => written((out) => writeValue(out, cell(Buffer.from(value, 'utf8')), 'B7', ' s="1"'))),
  };
}

// How readers turn a serial back into an instant: exceljs rounds the whole serial's milliseconds,
// openpyxl the fraction's (utils/datetime.py, from_excel).
const exceljsMs = (serial: number): number => Math.round((serial - 25_569) * 86_400_000) + Date.UTC(1970, 0, 1);
const openpyxlMs = (serial: number): number => {
  const day = Math.floor(serial);
  return EXCEL_DAY_ZERO_MS + day * 86_400_000 + Math.round((serial - day) * 86_400_000);
};

describe('date serials', () => {
  it('read back as the exact millisecond in exceljs and openpyxl, across the calendar', () => {
    const instants = [
      Date.UTC(1900, 2, 1),
      Date.UTC(1970, 0, 1),
      Date.UTC(2026, 1, 28, 23, 59, 59, 999),
      Date.UTC(2026, 1, 28, 12),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    ];
    // Every millisecond of one second, and random instants from March 1900 to 2200.
    for (let ms = 0; ms < 1000; ms += 1) instants.push(Date.UTC(2024, 1, 29, 13, 37, 42, ms));
    let seed = 12_345;
    const random = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    for (let i = 0; i < 5_000; i += 1) {
      instants.push(Math.round(Date.UTC(1900, 2, 1) + random() * (Date.UTC(2200, 0, 1) - Date.UTC(1900, 2, 1))));
    }
    const wrong = instants.filter((instant) => {
      const text = written((out) => writeSerial(out, instant));
      return (
        !/^\d+(\.\d*[1-9])?$/.test(text) || exceljsMs(Number(text)) !== instant || openpyxlMs(Number(text)) !== instant
      );
    });
    expect(wrong.map((instant) => new Date(instant).toISOString())).toEqual([]);
  });

  it('write whole days and simple fractions short', () => {
    const serial = (iso: string): string => written((out) => writeSerial(out, Date.parse(iso)));
    expect(serial('1900-03-01T00:00:00Z')).toBe('61'); // the same day in Excel and LibreOffice
    expect(serial('2026-02-28T00:00:00Z')).toBe('46081');
    expect(serial('2026-02-28T12:00:00Z')).toBe('46081.5');
    expect(serial('2026-02-28T06:00:00Z')).toBe('46081.25');
  });

  it('are the same bytes from the server text as from the string path', () => {
    const values = [
      '2026-02-28',
      '2024-02-29 00:00:00',
      '2026-02-28 23:59:59.250',
      '1999-12-31 23:59:59.999999',
      '1900-03-01 01:02:03.4',
      '2023-02-31', // only with ALLOW_INVALID_DATES; rolls over as Date.UTC does
      '0000-00-00',
      '1899-12-31 00:00:00',
      '1900-01-01',
      '1900-02-28 12:00:00',
    ];
    for (const kind of ['date', 'datetime', 'timestamp'] as const) {
      const { fast, slow } = bothPaths({ name: 'at', kind }, { formulaGuard: true, timeZone: 'UTC' }, values);
      expect(fast).toEqual(slow);
    }
  });
});

describe('text cells', () => {
  const values = [
    'plain',
    ' leading space',
    'trailing space ',
    'trailing LF\n',
    'trailing CR\r',
    'a\r\nb\rc\n\r',
    '\r\n=1',
    '=SUM(A1) ',
    ' =1',
    '-5',
    '- 5',
    '+1e3',
    '@mention',
    '\ttab',
    'a&b<c>"d"',
    'bad \u0001 control \ufffe\uffff end',
    'Zoë 🚀 中文',
  ];

  it('are the same bytes from the server text as from the string path, guarded or not', () => {
    for (const formulaGuard of [true, false]) {
      const { fast, slow } = bothPaths({ name: 'note', kind: 'text' }, { formulaGuard, timeZone: 'UTC' }, values);
      expect(fast).toEqual(slow);
    }
  });

  it('escape only what element text cannot hold: & < > (a quote stays a quote)', () => {
    const { fast, slow } = bothPaths({ name: 'doc', kind: 'json' }, { formulaGuard: true, timeZone: 'UTC' }, [
      '{"a": "<b> & c"}',
    ]);
    expect(fast).toEqual(['<c r="B7" t="inlineStr"><is><t>{"a": "&lt;b&gt; &amp; c"}</t></is></c>']);
    expect(slow).toEqual(fast);
  });

  it('say xml:space="preserve" only where white space begins or ends the text', () => {
    const column: Column = { name: 'note', kind: 'text' };
    const fromBytes = createCellWriter(column, { formulaGuard: true, timeZone: 'UTC' }, '', 'A');
    const preserved = values.filter((value) =>
      written((out) => fromBytes(out, ...inPacket(value), Buffer.from('2'))).includes('xml:space'),
    );
    expect(preserved).toEqual([
      ' leading space',
      'trailing space ',
      'trailing LF\n',
      'trailing CR\r',
      'a\r\nb\rc\n\r',
      '=SUM(A1) ',
      ' =1',
    ]);
  });
});

describe('ByteWriter#digits', () => {
  it('writes integers without a string, padded to a width', () => {
    expect(written((out) => out.digits(0))).toBe('0');
    expect(written((out) => out.digits(46_081))).toBe('46081');
    expect(written((out) => out.digits(42, 5))).toBe('00042');
    expect(written((out) => out.digits(99_999_999_999, 11))).toBe('99999999999');
  });
});
