import { formatBytes } from '@fluxquery/byte-size';
import type { Config } from '@fluxquery/config';
import { EXPORT_SCHEMA_VERSION, type ExportJobData, type ExportJobResult } from '@fluxquery/export-job';
import { createSilentLogger } from '@fluxquery/logger';
import type { SessionAccess } from '@fluxquery/mysql-source';
import { runExport } from '@fluxquery/pipeline';
import type { CsvRequestOptions } from '@fluxquery/request-rules';
import { createStorage, type Storage } from '@fluxquery/storage';
import { randomUUID } from 'node:crypto';
import { watchInterrupts } from './interrupts';
import { keyAccessFor } from './key-access';
import { fileTarget, stdoutTarget, type OutputTarget } from './output-targets';
import { createProgress } from './progress';

export interface ExportOptions {
  query: string;
  format: 'csv' | 'json' | 'xlsx';
  gzip: boolean;
  output?: string;
  s3: boolean;
  csvProfile?: 'rfc4180' | 'excel';
  delimiter?: ',' | ';' | 'tab';
  header: boolean;
  formulaGuard?: boolean;
  timeZone?: string;
  timeout?: number;
  maxRows?: number;
  key: string;
}

/**
 * `fluxquery export`: one export, run here, with no Redis and no api: the same SQL guard, the same
 * read-only session and time limit, the same encoders, gzip and storage as a worker. For ad-hoc and
 * cron use.
 */
export async function runExportCommand(options: ExportOptions, config: Readonly<Config>): Promise<void> {
  const access = keyAccessFor(config, options.key, options.query);
  if (options.s3 && options.output) throw new Error('--s3 and --output exclude each other: choose one');
  if (options.s3 && config.storage.kind !== 's3') {
    throw new Error('--s3 needs STORAGE_TYPE=s3 and S3_BUCKET (docs/delivery.md)');
  }
  const data = exportData(options, config);
  const target = await outputTarget(options);
  const storage = target?.storage ?? createStorage(config.storage);
  const interrupts = watchInterrupts();
  const progress = createProgress(process.stderr);
  try {
    const result = await runExport(
      {
        mysql: config.mysql,
        ...(access ? { accessFor: (): SessionAccess => access } : {}),
        storage,
        logger: createSilentLogger(),
        isCompressedByDefault: false,
        timeoutMs: config.limits.timeoutMs,
        maxRows: config.limits.maxRows,
        progressEveryMs: 250,
      },
      data,
      {
        onProgress: (p) => progress.update({ rows: p.rows, bytes: p.bytes, estimatedRows: p.estimatedRows }),
        signal: interrupts.signal,
      },
    );
    progress.update({ rows: result.rows, bytes: result.bytes, estimatedRows: result.estimatedRows });
    progress.stop();
    await reportResult(result, target, storage);
  } catch (error) {
    progress.stop();
    if (interrupts.isPipeClosed()) return;
    throw error;
  } finally {
    interrupts.dispose();
    await target?.dispose();
  }
}

/** A file (`-o`, or a dated name here), stdout (`-o -`), or none: the configured S3 storage. */
async function outputTarget(options: ExportOptions): Promise<OutputTarget | undefined> {
  if (options.s3) return undefined;
  if (options.output === '-') return stdoutTarget();
  return fileTarget(options.output ?? defaultName(options));
}

/** The file put in its place and described on stderr; from S3, a download link on stdout. */
async function reportResult(
  result: ExportJobResult,
  target: OutputTarget | undefined,
  storage: Storage,
): Promise<void> {
  const where = target
    ? await target.place({ key: result.key, location: result.location, bytes: result.bytes })
    : result.location;
  process.stderr.write(
    `${where}: ${result.rows} rows, ${formatBytes(result.bytes)}, sha256 ${result.sha256}, ${result.durationMs} ms\n`,
  );
  if (target || !storage.presignDownload) return;
  const url = await storage.presignDownload(result.key, {
    fileName: result.fileName,
    contentType: result.contentType,
    expiresInSeconds: 3600,
  });
  process.stdout.write(`${url}\n`);
}

function exportData(options: ExportOptions, config: Readonly<Config>): ExportJobData {
  const delimiter: CsvRequestOptions['delimiter'] = options.delimiter === 'tab' ? '\t' : options.delimiter;
  const csv: CsvRequestOptions = {
    ...(options.csvProfile ? { profile: options.csvProfile } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(options.header ? {} : { header: false }),
  };
  return {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    requestId: randomUUID(),
    query: options.query,
    email: 'cli@localhost',
    format: options.format,
    compression: options.gzip ? 'gzip' : 'none',
    ...(options.format === 'csv' && Object.keys(csv).length > 0 ? { csv } : {}),
    ...(options.formulaGuard === false ? { formulaGuard: false } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    limits: {
      maxRows: options.maxRows ?? config.limits.maxRows,
      maxBytes: config.limits.maxBytes,
      timeoutMs: options.timeout ?? config.limits.timeoutMs,
    },
    requestedAt: new Date().toISOString(),
  };
}

function defaultName(options: ExportOptions): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `export-${stamp}.${options.format}${options.gzip ? '.gz' : ''}`;
}
