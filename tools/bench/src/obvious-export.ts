import { neutralizeFormula } from '@fluxquery/encoders';
import { describeColumn, type ColumnInfo } from '@fluxquery/mysql-source';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { createConnection, type FieldPacket } from 'mysql2';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * The slow, obvious code path that the fast encoders must match byte for byte: mysql2's typed rows
 * from `query().stream()`, csv-stringify for CSV and JSON.stringify for JSON Lines, with the
 * default options (RFC 4180, formula guard on, UTC). It covers the benchmark table's column types,
 * not every type (tests/e2e/formats covers those). `xlsx` is exceljs's WorkbookWriter as commonly
 * used (a row.commit() per row, no backpressure): a speed and memory reference, not a byte one.
 * Prints one JSON line, as export-once does.
 * argv: <connection JSON> <sql> <csv|json|xlsx>
 */
async function main(): Promise<void> {
  const [connectionJson = '{}', sql = 'SELECT 1', format = 'csv'] = process.argv.slice(2);
  const connection = createConnection({
    ...(JSON.parse(connectionJson) as object),
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
    rowsAsArray: true,
  });
  const root = await mkdtemp(path.join(tmpdir(), 'fq-obvious-'));
  try {
    const started = process.hrtime.bigint();
    await connection.promise().query("SET time_zone = '+00:00'");
    const query = connection.query(sql);
    const rows = query.stream({ highWaterMark: 1024 });
    const columns = await new Promise<ColumnInfo[]>((resolve) =>
      query.once('fields', (fields: FieldPacket[]) => resolve(fields.map(describeColumn))),
    );
    const hash = createHash('sha256');
    let bytes = 0;
    let count = 0;
    const digest = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        hash.update(chunk);
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    const counted = new Transform({
      objectMode: true,
      transform(row: unknown[], _encoding: BufferEncoding, callback: TransformCallback) {
        count += 1;
        callback(null, row);
      },
    });
    const file = path.join(root, `out.${format}`);
    if (format === 'xlsx') {
      await writeWithExcelJs(rows, columns, file, () => (count += 1));
      const written = await readFile(file);
      hash.update(written);
      bytes = written.length;
    } else {
      const encode = format === 'json' ? jsonLines(columns) : csv(columns);
      await pipeline(rows, counted, encode, digest, createWriteStream(file));
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ ms, rows: count, bytes, sha256: hash.digest('hex'), peakRssMb }) + '\n');
  } finally {
    connection.destroy();
    await rm(root, { recursive: true, force: true });
  }
}

async function writeWithExcelJs(
  rows: AsyncIterable<unknown[]>,
  columns: ColumnInfo[],
  file: string,
  onRow: () => void,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Export');
  let isFirst = true;
  for await (const row of rows) {
    if (isFirst) {
      sheet.addRow(columns.map((c) => c.name)).commit();
      isFirst = false;
    }
    sheet.addRow(row).commit();
    onRow();
  }
  await workbook.commit();
}

const isText = (column: ColumnInfo): boolean => column.kind === 'text' || column.kind === 'json';

function csv(kinds: ColumnInfo[]): Transform {
  let stringifier: Transform | undefined;
  return new Transform({
    objectMode: true,
    transform(row: unknown[], _encoding, callback) {
      stringifier ??= createStringifier(kinds, this);
      stringifier.write(
        row.map((value, i) =>
          isText(kinds[i] as ColumnInfo) && typeof value === 'string' ? neutralizeFormula(value) : value,
        ),
      );
      callback();
    },
    flush(callback) {
      if (!stringifier) return callback();
      stringifier.end(() => callback());
    },
  });
}

function createStringifier(columns: ColumnInfo[], out: Transform): Transform {
  const stringifier = stringify({
    header: true,
    columns: columns.map((c) => c.name),
    record_delimiter: 'windows',
    // RFC 4180 quotes a field holding CR or LF; csv-stringify only looks for its record delimiter.
    quoted_match: /[\r\n]/,
    // An empty string is "" and NULL stays an empty, unquoted field.
    cast: { string: (value) => (value === '' ? { value: '', quoted_string: true } : value) },
  });
  stringifier.on('data', (chunk: Buffer) => out.push(chunk));
  return stringifier;
}

function jsonLines(kinds: ColumnInfo[]): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(row: unknown[], _encoding, callback) {
      const fields = row.map(
        (value, i) => `${JSON.stringify(kinds[i]?.name)}:${jsonValue(kinds[i] as ColumnInfo, value)}`,
      );
      callback(null, `{${fields.join(',')}}\n`);
    },
  });
}

function jsonValue(column: ColumnInfo, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : (value as number).toString();
  switch (column.kind) {
    case 'integer':
    case 'decimal':
      // A number, written as the server printed it, where a double holds it exactly; else a string.
      return (column.digits ?? Infinity) <= 15 ? text : JSON.stringify(text);
    case 'float':
    case 'year':
      return text;
    case 'datetime':
      return JSON.stringify(text.replace(' ', 'T'));
    case 'timestamp':
      return JSON.stringify(`${text.replace(' ', 'T')}Z`);
    case 'json':
      return JSON.stringify(JSON.parse(text));
    case 'text':
    case 'date':
    case 'time':
      return JSON.stringify(text);
    case 'binary':
    case 'bit':
      throw new Error(`the obvious path covers the benchmark table's types only, not ${column.kind}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
