import type { Column } from './encoder';
import { describeEncoderContract, encodeAll, type Values } from './encoder.contract';
import { createJsonLinesEncoder } from './jsonl-encoder';

const asText = (value: unknown): string | null =>
  value === null
    ? null
    : typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? String(value)
        : JSON.stringify(value);

describeEncoderContract(
  'json lines',
  () => createJsonLinesEncoder(),
  async (bytes) => {
    const lines = bytes.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { header: Object.keys(objects[0] ?? {}), rows: objects.map((o) => Object.values(o).map(asText)) };
  },
  { nullAndEmpty: 'distinct', isLineEndFolded: false },
);

async function encodeLines(columns: Column[], rows: Values[], options = {}): Promise<string[]> {
  const { bytes } = await encodeAll(createJsonLinesEncoder(options), columns, rows);
  return bytes.toString('utf8').trimEnd().split('\n');
}

describe('JSON Lines type policy', () => {
  it('writes numbers as numbers only where every value of the column fits a double exactly', async () => {
    const lines = await encodeLines(
      [
        { name: 'small', kind: 'integer', digits: 10 },
        { name: 'big', kind: 'integer', digits: 20 },
        { name: 'price', kind: 'decimal', digits: 10 },
        { name: 'huge', kind: 'decimal', digits: 30 },
        { name: 'ratio', kind: 'float' },
        { name: 'flags', kind: 'bit', digits: 4 },
      ],
      [[-5, '18446744073709551615', '-20.00', '123456789012345678901234.567890', 0.1, Buffer.from([0x0a])]],
    );
    expect(lines).toEqual([
      '{"small":-5,"big":"18446744073709551615","price":-20.00,"huge":"123456789012345678901234.567890","ratio":0.1,"flags":10}',
    ]);
  });

  it('writes ISO 8601 dates; TIMESTAMP in UTC or the requested zone, with its offset', async () => {
    const columns: Column[] = [
      { name: 'd', kind: 'date' },
      { name: 'dt', kind: 'datetime' },
      { name: 'ts', kind: 'timestamp' },
      { name: 't', kind: 'time' },
    ];
    const row: Values = ['2026-03-29', '2026-03-29 01:30:00.123', '2026-03-29 01:30:00.123', '-838:59:59'];
    expect(await encodeLines(columns, [row])).toEqual([
      '{"d":"2026-03-29","dt":"2026-03-29T01:30:00.123","ts":"2026-03-29T01:30:00.123Z","t":"-838:59:59"}',
    ]);
    // Paris switches to summer time at 01:00 UTC that day.
    expect(await encodeLines(columns, [row], { timeZone: 'Europe/Paris' })).toEqual([
      '{"d":"2026-03-29","dt":"2026-03-29T01:30:00.123","ts":"2026-03-29T03:30:00.123+02:00","t":"-838:59:59"}',
    ]);
    expect(await encodeLines(columns.slice(2, 3), [[row[2]]], { timeZone: '-05:30' })).toEqual([
      '{"ts":"2026-03-28T20:00:00.123-05:30"}',
    ]);
  });

  it('embeds JSON columns as JSON on one line, numbers exact, and never alters text', async () => {
    const lines = await encodeLines(
      [
        { name: 'doc', kind: 'json' },
        { name: 'note', kind: 'text' },
        { name: 'raw', kind: 'binary' },
      ],
      [
        [
          '{\n  "id": 12345678901234567890,\n  "s": "a b\\n \\" x",\n  "b": "back\\\\" , "e": [ 1 , 2 ],\n  "formula": "=1+1"\n}',
          '=cmd|calc',
          Buffer.from([0, 255]),
        ],
      ],
    );
    expect(lines).toEqual([
      '{"doc":{"id":12345678901234567890,"s":"a b\\n \\" x","b":"back\\\\","e":[1,2],"formula":"=1+1"},"note":"=cmd|calc","raw":"AP8="}',
    ]);
  });

  it('escapes text byte for byte as JSON.stringify does', async () => {
    const tricky = [
      'plain',
      '',
      'quote " and \\ backslash',
      'tab\there\r\n',
      '\u0000\u0001\u001f\u007f',
      'Zoë 🚀 中文',
      '\u2028\u2029',
      '\b\f',
    ];
    const lines = await encodeLines(
      [{ name: 't', kind: 'text' }],
      tricky.map((t) => [Buffer.from(t, 'utf8')]),
    );
    expect(lines).toEqual(tricky.map((t) => `{"t":${JSON.stringify(t)}}`));
  });
});
