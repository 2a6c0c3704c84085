import { rowOf } from '@fluxquery/encoders';
import { EXPORT_SCHEMA_VERSION, type ExportJobData } from '@fluxquery/export-job';
import { encoderFor } from './encoder-for';

const job = (extra: Partial<ExportJobData>): ExportJobData => ({
  schemaVersion: EXPORT_SCHEMA_VERSION,
  requestId: 'test',
  query: 'SELECT 1',
  email: 'a@example.com',
  format: 'csv',
  requestedAt: new Date().toISOString(),
  ...extra,
});

async function encode(data: ExportJobData, rows: unknown[][]): Promise<string> {
  async function* batches() {
    yield rows.map(rowOf);
  }
  const columns = [
    { name: 'note', kind: 'text' as const },
    { name: 'n', kind: 'integer' as const, digits: 10 },
  ];
  const chunks: Buffer[] = [];
  for await (const chunk of encoderFor(data).encode({ columns, batches: batches(), stats: { rows: 0 } }))
    chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('encoderFor', () => {
  const rows = [['=1+1', null]];

  it('guards formulas in CSV by default', async () => {
    expect(await encode(job({}), rows)).toBe("note,n\r\n'=1+1,\r\n");
  });

  it('lets the request turn the guard off', async () => {
    expect(await encode(job({ formulaGuard: false }), rows)).toBe('note,n\r\n=1+1,\r\n');
  });

  it('lays request options over the profile, and formula_guard over both', async () => {
    const data = job({
      csv: { profile: 'excel', delimiter: ';', nullToken: 'NULL', lineEnding: 'lf' },
      formulaGuard: false,
    });
    expect(await encode(data, rows)).toBe('\uFEFFnote;n\n=1+1;NULL\n');
  });

  it('keeps the rfc4180 profile free of any alteration', async () => {
    expect(await encode(job({ csv: { profile: 'rfc4180' } }), rows)).toBe('note,n\r\n=1+1,\r\n');
  });

  it('never guards JSON Lines, whatever the request says', async () => {
    expect(await encode(job({ format: 'json', formulaGuard: true }), rows)).toBe('{"note":"=1+1","n":null}\n');
  });

  it('refuses an unknown time zone as an invalid job', () => {
    expect(() => encoderFor(job({ timeZone: 'Mars/Olympus' }))).toThrow(
      expect.objectContaining({ code: 'INVALID_JOB' }),
    );
  });
});
