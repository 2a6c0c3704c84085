import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createEveryTypeHarness } from './every-type';
import { exportAndWait, type Harness } from './harness';

// Python's csv and json modules and openpyxl (Debian's python3-openpyxl, which the test command
// installs): readers this project did not write, as the files' users will have.
const PYTHON = '/usr/bin/python3';
const READER = path.join(__dirname, 'read-with-python.py');

let harness: Harness;

beforeAll(async () => {
  harness = await createEveryTypeHarness('e2e_readers');
});

afterAll(async () => harness.close());

async function exportWith(fields: Record<string, unknown>): Promise<string> {
  const status = await exportAndWait(harness, { query: 'SELECT * FROM every_type ORDER BY id', ...fields });
  return path.join(harness.storageRoot, status.result.storage_key as string);
}

const readWithPython = (kind: string, file: string, ...args: string[]): any =>
  JSON.parse(execFileSync(PYTHON, [READER, kind, file, ...args], { encoding: 'utf8' }));

describe('files read by other languages’ libraries', () => {
  it('openpyxl sees typed cells, exact text, dates, a bold frozen filtered header, and no formula', async () => {
    const [sheet] = readWithPython('xlsx', await exportWith({ format: 'xlsx' }));
    expect(sheet).toMatchObject({ name: 'Sheet1', freeze: 'A2', filter: 'A1:U1' });
    expect(sheet.bold.every(Boolean)).toBe(true);
    expect(sheet.rows[1]).toEqual([
      1,
      1,
      '18446744073709551615',
      -20,
      '12345678901234567890.0123456789',
      0.1,
      3.141592653589793,
      '2026-02-28T00:00:00',
      '2026-02-28T23:59:59.123000',
      '2026-01-01T12:00:00.500000',
      '-838:59:59',
      2026,
      'abc',
      '\'=HYPERLINK("http://evil.example")',
      'happy',
      'a,c',
      '{"id": 12345678901234567890, "formula": "=1+1"}',
      'AP8Q',
      '3q2+7w==',
      513,
      1,
    ]);
    expect(sheet.rows[2].slice(0, 11)).toEqual([
      2,
      0,
      '9007199254740993',
      0.01,
      -1e-10,
      -15000000000,
      -2.5e-300,
      '1000-01-01',
      '1970-01-01T00:00:00',
      '2038-01-19T03:14:07.999000',
      '12:30:15',
    ]);
    expect(sheet.types.flat()).not.toContain('f');
  });

  it('Python’s csv module reads the excel-profile CSV back to the database’s text', async () => {
    const rows = readWithPython(
      'csv',
      await exportWith({ format: 'csv', csv: { profile: 'excel', delimiter: ';' } }),
      ';',
    );
    expect(rows[1].slice(0, 5)).toEqual([
      '1',
      '1',
      '18446744073709551615',
      '-20.00',
      '12345678901234567890.0123456789',
    ]);
    expect(rows[2][13]).toBe('Zoë 🚀\r\nline "two"');
    expect(rows[3]).toEqual(['3', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '']);
  });

  it('Python’s json module reads exact numbers and embedded JSON', async () => {
    const rows = readWithPython('json', await exportWith({ format: 'json' }));
    expect(rows[0]).toMatchObject({
      big: '18446744073709551615',
      price: '-20.00',
      doc: { id: '12345678901234567890' },
    });
    expect(rows[2]).toMatchObject({ id: '3', note: '', doc: null });
  });
});
