import { loadConfig } from '@fluxquery/config';
import { startTestS3 } from '@fluxquery/testkit';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DATABASE, BENCH_TABLES, prepareBenchDatabase } from './bench-table';
import { median, runNodeJson, timeShell, type RunResult } from './measure';
import { startServiceUnderTest } from './service-under-test';

// The obvious path is about 3-9x slower; above this size it would dominate the run.
const MAX_OBVIOUS_ROWS = 1_000_000;

interface CaseResult {
  table: string;
  name: string;
  rows: number;
  medianMs: number;
  rowsPerSecond: number;
  mbPerSecond: number | null;
  ratioToBaseline: number | null;
  peakRssMb: number | null;
  sha256?: string;
}

/**
 * `pnpm bench [--rows 1000000] [--runs 3] [--smoke]`: the worker's real pipeline (CSV, CSV+gzip,
 * JSON Lines, XLSX), on two tables (bench_users, and the text-heavy bench_texts), against `mariadb --batch --quick` (and `| gzip -6`) in the same run, at 100k
 * rows and at --rows, so that both speed (as a ratio) and memory flatness (peak RSS per size)
 * show. Up to 1M rows it also runs the slow, obvious path (mysql2 stream + csv-stringify /
 * JSON.stringify) and fails unless the fast CSV and JSON Lines files are byte-identical to it.
 */
// eslint-disable-next-line max-lines-per-function -- the bench's run order (seeding, round-robin cases, byte checks, tables): a tool's script, read top to bottom
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench-results/latest.json' },
      service: { type: 'boolean', default: false },
      profile: { type: 'string' },
    },
  });
  const maxRows = values.smoke ? 10_000 : Number(values.rows);
  const runs = values.smoke ? 1 : Number(values.runs);
  const sizes = [...new Set([Math.min(100_000, maxRows), maxRows])];
  const config = loadConfig();
  const server = { ...config.mysql, database: BENCH_DATABASE };
  await prepareBenchDatabase(config.mysql, maxRows);

  const mariadb = [
    'mariadb --batch --quick',
    `-h ${server.host} -P ${server.port} -u ${shellQuote(server.user)}`,
    shellQuote(BENCH_DATABASE),
  ].join(' ');
  const env = { ...process.env, MYSQL_PWD: server.password };
  const exportOnce = path.join(__dirname, 'export-once.js');
  const obvious = path.join(__dirname, 'obvious-export.js');
  const mismatches: string[] = [];
  const results: CaseResult[] = [];
  // The S3 case uploads to s3rver in this process, over loopback, so the export's own process
  // (and its peak RSS) holds only the worker's side: the multipart parts in flight.
  const s3 = await startTestS3();
  const s3Target = JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket });
  const profileDir = values.profile ? path.resolve(values.profile) : undefined;
  const profile = profileDir ? { profileDir } : {};
  const service = values.service ? await startServiceUnderTest(config.mysql, BENCH_DATABASE, profile) : undefined;
  // The same service storing to S3 (s3rver in this process, as for the pipeline's S3 case).
  const serviceS3 = values.service
    ? await startServiceUnderTest(config.mysql, BENCH_DATABASE, {
        ...profile,
        env: {
          STORAGE_TYPE: 's3',
          S3_BUCKET: s3.bucket,
          S3_ENDPOINT: s3.endpoint,
          S3_PATH_STYLE: 'true',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
        },
      })
    : undefined;

  for (const [table, size] of BENCH_TABLES.flatMap((t) => sizes.map((n) => [t.name, n] as const))) {
    const sql = `SELECT * FROM ${table} WHERE id <= ${size}`;
    await timeShell(`${mariadb} -e ${shellQuote(sql)} > /dev/null`, env); // warm the buffer pool
    const cases: [string, () => Promise<RunResult>][] = [
      ['mariadb --batch (baseline)', () => timeShell(`${mariadb} -e ${shellQuote(sql)} > /dev/null`, env)],
      ['mariadb --batch | gzip -6', () => timeShell(`${mariadb} -e ${shellQuote(sql)} | gzip -6 > /dev/null`, env)],
      ['fluxquery csv', () => runNodeJson(exportOnce, [JSON.stringify(server), sql, 'none'])],
      ['fluxquery csv + gzip-6', () => runNodeJson(exportOnce, [JSON.stringify(server), sql, 'gzip'])],
      ['fluxquery json lines', () => runNodeJson(exportOnce, [JSON.stringify(server), sql, 'none', 'json'])],
      ['fluxquery xlsx', () => runNodeJson(exportOnce, [JSON.stringify(server), sql, 'none', 'xlsx'])],
      // Uncompressed: the most parts, so the most memory in flight.
      ['fluxquery csv → s3', () => runNodeJson(exportOnce, [JSON.stringify(server), sql, 'none', 'csv', s3Target])],
    ];
    if (service) {
      cases.push(
        ['service csv', () => service.exportOnce(sql, 'csv', 'none')],
        ['service csv + gzip-6', () => service.exportOnce(sql, 'csv', 'gzip')],
        ['service json lines', () => service.exportOnce(sql, 'json', 'none')],
        ['service xlsx', () => service.exportOnce(sql, 'xlsx', 'none')],
      );
    }
    if (serviceS3) {
      cases.push(['service csv → s3', () => serviceS3.exportOnce(sql, 'csv', 'none')]);
    }
    if (size <= MAX_OBVIOUS_ROWS) {
      cases.push(
        ['obvious csv (csv-stringify)', () => runNodeJson(obvious, [JSON.stringify(server), sql, 'csv'])],
        ['obvious json lines (JSON.stringify)', () => runNodeJson(obvious, [JSON.stringify(server), sql, 'json'])],
        ['exceljs xlsx (as commonly used)', () => runNodeJson(obvious, [JSON.stringify(server), sql, 'xlsx'])],
      );
    }
    const digests = new Map<string, string | undefined>();
    const baselines = new Map<string, number>();
    // Round robin (every case once, then again), so that the VM's drift over minutes falls on
    // every case alike instead of on whichever ran last.
    const samplesOf = new Map<string, RunResult[]>(cases.map(([name]) => [name, []]));
    for (let i = 0; i < runs; i += 1) {
      for (const [name, run] of cases) samplesOf.get(name)?.push(await run());
    }
    for (const [name] of cases) {
      const samples = samplesOf.get(name) ?? [];
      const ms = median(samples.map((s) => s.ms));
      baselines.set(name, ms);
      const base = name.includes('gzip')
        ? baselines.get('mariadb --batch | gzip -6')
        : baselines.get('mariadb --batch (baseline)');
      const bytes = samples[0]?.bytes;
      digests.set(name, samples[0]?.sha256);
      const rss = samples.map((s) => s.peakRssMb).filter((v): v is number => v !== undefined);
      results.push({
        table,
        name,
        rows: size,
        medianMs: Math.round(ms),
        rowsPerSecond: Math.round(size / (ms / 1000)),
        mbPerSecond: bytes === undefined ? null : round(bytes / 1e6 / (ms / 1000)),
        ratioToBaseline: base === undefined || name.startsWith('mariadb') ? null : round(ms / base),
        ...(samples[0]?.sha256 ? { sha256: samples[0].sha256 } : {}),
        peakRssMb: rss.length ? round(Math.max(...rss)) : null,
      });
    }
    for (const [fast, slow] of [
      ['fluxquery csv', 'obvious csv (csv-stringify)'],
      ['fluxquery json lines', 'obvious json lines (JSON.stringify)'],
      ['fluxquery csv → s3', 'fluxquery csv'],
      // Through the service, default options: the same bytes as the pipeline alone.
      ['service csv', 'fluxquery csv'],
      ['service csv + gzip-6', 'fluxquery csv + gzip-6'],
      ['service json lines', 'fluxquery json lines'],
      ['service xlsx', 'fluxquery xlsx'],
      ['service csv → s3', 'fluxquery csv'],
    ] as const) {
      if (!digests.has(slow)) continue;
      const isSame = digests.get(fast) !== undefined && digests.get(fast) === digests.get(slow);
      process.stdout.write(
        `${table}, ${size} rows: ${fast} ${isSame ? 'is byte-identical to' : 'DIFFERS from'} ${slow}\n`,
      );
      if (!isSame) mismatches.push(`${fast} on ${table} at ${size} rows`);
    }
  }
  await service?.close();
  await serviceS3?.close();
  await s3.close();
  print(results, runs);
  await mkdir(path.dirname(values.out), { recursive: true });
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  await writeFile(values.out, JSON.stringify({ date: new Date().toISOString(), machine, runs, results }, null, 2));
  process.stdout.write(`\nJSON written to ${values.out}\n`);
  if (mismatches.length > 0) throw new Error(`not byte-identical to the obvious path: ${mismatches.join(', ')}`);
}

function print(results: CaseResult[], runs: number): void {
  const header = ['table', 'case', 'rows', 'median ms', 'rows/s', 'MB/s', 'ratio', 'peak RSS MB'];
  const lines = results.map((r) => [
    r.table,
    r.name,
    String(r.rows),
    String(r.medianMs),
    String(r.rowsPerSecond),
    r.mbPerSecond === null ? '' : String(r.mbPerSecond),
    r.ratioToBaseline === null ? '' : `${r.ratioToBaseline}×`,
    r.peakRssMb === null ? '' : String(r.peakRssMb),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const row = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  process.stdout.write(`\nmedian of ${runs} run(s); ratio = time / the matching mariadb baseline (lower is faster)\n`);
  process.stdout.write([row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n') + '\n');
}

const round = (n: number): number => Math.round(n * 100) / 100;
const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
