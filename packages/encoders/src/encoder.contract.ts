import type { Column, Encoder, Row } from './encoder';
import { rowOf } from './row';

/** What a reader made of a file: the header, then each row as text (null for NULL). */
export interface ReadBack {
  header: string[];
  rows: (string | null)[][];
}

/** A row's values as a test writes them: strings, numbers, Buffers, null. */
export type Values = readonly unknown[];

// Bytes a misplaced read would show: a delimiter, quotes, a line break, a formula trigger.
const AROUND = Buffer.from('",\'\r\n=<&', 'latin1');

/**
 * A Row whose values sit inside a larger buffer with other bytes before and after, as they do in a
 * server's packet, so that an encoder reading outside a value's range shows it.
 */
export function rowInPacket(values: Values): Row {
  const row = rowOf(values);
  return {
    bytes: Buffer.concat([AROUND, row.bytes, AROUND]),
    at: row.at.map((offset) => (offset < 0 ? offset : offset + AROUND.length)),
  };
}

export async function* inBatches(rows: Values[], size = 2): AsyncIterable<Row[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size).map(rowInPacket);
}

export async function encodeAll(
  encoder: Encoder,
  columns: Column[],
  rows: Values[],
): Promise<{ bytes: Buffer; rows: number }> {
  const stats = { rows: 0 };
  const chunks: Buffer[] = [];
  for await (const chunk of encoder.encode({ columns, batches: inBatches(rows), stats })) chunks.push(chunk);
  return { bytes: Buffer.concat(chunks), rows: stats.rows };
}

export interface FormatTraits {
  /**
   * How NULL and the empty string read back: `distinct` (JSON), or both as '' (CSV, whose raw bytes
   * do differ, as its own test checks) or both as an empty cell (XLSX).
   */
  nullAndEmpty: 'distinct' | 'both-empty-string' | 'both-null';
  /** XLSX stores line breaks as LF: XML parsers fold CR LF, and Excel breaks lines on LF. */
  isLineEndFolded: boolean;
}

/** The behaviour every encoder must show, checked through an independent reader of its format. */
export function describeEncoderContract(
  name: string,
  create: () => Encoder,
  read: (bytes: Buffer) => Promise<ReadBack>,
  traits: FormatTraits,
): void {
  const nullReads = traits.nullAndEmpty === 'both-empty-string' ? '' : null;
  const emptyReads = traits.nullAndEmpty === 'both-null' ? null : '';
  describe(`${name} encoder contract`, () => {
    const columns: Column[] = [
      { name: 'id', kind: 'integer', digits: 20 },
      { name: 'name', kind: 'text' },
      { name: 'amount', kind: 'decimal', digits: 30 },
      { name: 'name', kind: 'text' },
      { name: 'name_2', kind: 'text' },
    ];
    const rows: Values[] = [
      ['18446744073709551615', 'Zoë, "the" 🚀 中文', '123456789012345678901234.567890', 'a\r\nb\nc', 'x'],
      ['9007199254740993', null, null, '', ''],
      ['1', 'tab\there', '-0.5', "it's", 'last'],
      ['2', ' leading space', '7', 'trailing space ', '\tand  inside\n'],
    ];

    it('keeps column order and keeps same-name columns apart', async () => {
      const back = await read((await encodeAll(create(), columns, rows)).bytes);
      expect(back.header).toEqual(['id', 'name', 'amount', 'name_3', 'name_2']);
    });

    it('round-trips unicode, quotes, newlines, tabs, white space at either end and exact big numbers', async () => {
      const { bytes, rows: counted } = await encodeAll(create(), columns, rows);
      const back = await read(bytes);
      expect(counted).toBe(4);
      const multiline = traits.isLineEndFolded ? 'a\nb\nc' : 'a\r\nb\nc';
      expect(back.rows[0]).toEqual([
        '18446744073709551615',
        'Zoë, "the" 🚀 中文',
        '123456789012345678901234.567890',
        multiline,
        'x',
      ]);
      expect(back.rows[2]).toEqual(['1', 'tab\there', '-0.5', "it's", 'last']);
      expect(back.rows[3]).toEqual(['2', ' leading space', '7', 'trailing space ', '\tand  inside\n']);
    });

    it('writes NULL and the empty string as the format defines them', async () => {
      const back = await read((await encodeAll(create(), columns, rows)).bytes);
      expect(back.rows[1]).toEqual(['9007199254740993', nullReads, nullReads, emptyReads, emptyReads]);
    });

    it('writes a header and nothing else for an empty result', async () => {
      const back = await read((await encodeAll(create(), columns, [])).bytes);
      expect(back.rows).toEqual([]);
    });
  });
}
