import { DEFAULT_KEY_ID, type Config } from '@fluxquery/config';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from './durations';
import { runExportCommand, type ExportOptions } from './export-action';

const positive = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('a whole number above 0');
  return number;
};

/** Declares `fluxquery export` (export-action.ts runs it). */
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
    .action((options: ExportOptions) => runExportCommand(options, loadConfig()));
}
