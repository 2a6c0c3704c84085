import { DEFAULT_KEY_ID, type Config } from '@fluxquery/config';
import { EXPORT_SCHEMA_VERSION, type ExportJobData } from '@fluxquery/export-job';
import type { CsvRequestOptions } from '@fluxquery/request-rules';
import { createSilentLogger } from '@fluxquery/logger';
import { sessionAccessFor } from '@fluxquery/mysql-source';
import { checkSelectQuery } from '@fluxquery/sql-guard';
import { createStorage } from '@fluxquery/storage';
import { runExport } from '@fluxquery/pipeline';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { parseDuration } from './durations';
import { fileTarget, stdoutTarget, type OutputTarget } from './output-targets';
import { formatBytes } from '@fluxquery/byte-size';
import { createProgress } from './progress';

interface ExportOptions {
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

const positive = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('a whole number above 0');
  return number;
};

/**
 * `fluxquery export`: one export, run here, with no Redis and no api: the same SQL guard, the same
 * read-only session and time limit, the same encoders, gzip and storage as a worker. For ad-hoc and
 * cron use.
 */
// eslint-disable-next-line max-lines-per-function -- commander's declaration of export, one option per line
export function addExportCommand(program: Command, loadConfig: () => Readonly<Config>): void {
  program
    .command('export')
    .description('run one export directly (reads MYSQL_DSN; no Redis, no api): query → file, stdout or S3')
    .requiredOption('-q, --query <sql>', 'one SELECT (checked by the same guard as the api)')
    .addOption(new Option('-f, --format <format>', 'file format').choices(['csv', 'json', 'xlsx']).default('csv'))
    .option('--gzip', 'gzip the file (level 6)', false)
    .option('-o, --output <path>', "the file to write, or '-' for stdout (default: a dated name here)")
    .option('--s3', 'store it in S3 (STORAGE_TYPE=s3, S3_BUCKET, …) and print a download URL', false)
    .addOption(new Option('--csv-profile <profile>', 'CSV layout').choices(['rfc4180', 'excel']))
    .addOption(new Option('--delimiter <delimiter>', 'CSV delimiter').choices([',', ';', 'tab']))
    .option('--no-header', 'CSV without the header line')
    .option('--no-formula-guard', 'leave cells that begin with = + - @ as they are')
    .option('--time-zone <zone>', 'for TIMESTAMP values: UTC, ±HH:MM or an IANA name')
    .option('--timeout <duration>', 'time limit (default DEFAULT_TIMEOUT)', parseDuration)
    .option('--max-rows <n>', 'fail beyond this many rows (default MAX_EXPORT_ROWS)', positive)
    .option('--key <id>', 'read as this client key: its schemas and its database role', DEFAULT_KEY_ID)
    // eslint-disable-next-line max-lines-per-function -- the export's steps share its options, the key's session and the progress bar; split, each would take all three
    .action(async (options: ExportOptions) => {
      const config = loadConfig();
      const client = config.clients.find((c) => c.keyId === options.key);
      if (!client) throw new Error(`no client key "${options.key}" in API_SECRET / CLIENT_KEYS`);
      const schemas = client.allowedSchemas;
      checkSelectQuery(options.query, { defaultSchema: config.mysql.database, allowedSchemas: schemas });
      const access = config.mysqlKeyRoles
        ? sessionAccessFor(config.mysql.user, config.mysql.database, { keyId: client.keyId, schemas })
        : undefined;
      // Which privileges the export runs with, so that an access error is easy to place.
      process.stderr.write(
        access
          ? `reading as ${config.mysql.user} with the role ${access.role} of key ${client.keyId} (SELECT on ${schemas.join(', ')})\n`
          : `reading as ${config.mysql.user} with its own privileges (MYSQL_KEY_ROLES=false; key ${client.keyId}: ${schemas.join(', ')})\n`,
      );
      if (options.s3 && options.output) throw new Error('--s3 and --output exclude each other: choose one');
      if (options.s3 && config.storage.kind !== 's3') {
        throw new Error('--s3 needs STORAGE_TYPE=s3 and S3_BUCKET (docs/delivery.md)');
      }

      const data = exportData(options, config);
      const target: OutputTarget | undefined = options.s3
        ? undefined
        : options.output === '-'
          ? stdoutTarget()
          : await fileTarget(options.output ?? defaultName(options));
      const storage = target?.storage ?? createStorage(config.storage);
      // Ctrl-C stops the query on the server and removes the unfinished file.
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // A reader that goes away (| head) ends the export quietly.
      let isPipeClosed = false;
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') return;
        isPipeClosed = true;
        abort.abort();
      });
      const progress = createProgress(process.stderr);
      try {
        const result = await runExport(
          {
            mysql: config.mysql,
            ...(access ? { accessFor: () => access } : {}),
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
            signal: abort.signal,
          },
        );
        progress.update({ rows: result.rows, bytes: result.bytes, estimatedRows: result.estimatedRows });
        progress.stop();
        const where = target
          ? await target.place({ key: result.key, location: result.location, bytes: result.bytes })
          : result.location;
        process.stderr.write(
          `${where}: ${result.rows} rows, ${formatBytes(result.bytes)}, sha256 ${result.sha256}, ${result.durationMs} ms\n`,
        );
        if (!target && storage.presignDownload) {
          const url = await storage.presignDownload(result.key, {
            fileName: result.fileName,
            contentType: result.contentType,
            expiresInSeconds: 3600,
          });
          process.stdout.write(`${url}\n`);
        }
      } catch (error) {
        progress.stop();
        if (isPipeClosed) return;
        throw error;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await target?.dispose();
      }
    });
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
