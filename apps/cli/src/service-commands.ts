import {
  generateSecret,
  signatureHeaders,
  type ExportRequestBody,
  type ExportStatusBody,
  type FluxQueryClient,
} from '@fluxquery/client';
import { Option, type Command } from 'commander';
import { parseDuration } from './durations';
import { createProgress } from './progress';
import { clientFor, printJson, withService, type ServiceOptions } from './service-options';

/** A final status: printed, and the exit code says whether there is a file. */
function finish(status: ExportStatusBody): void {
  printJson(status);
  if (status.status !== 'COMPLETED') {
    process.stderr.write(
      `the export ended ${status.status}: ${status.error?.code ?? ''} ${status.error?.message ?? ''}\n`,
    );
    process.exitCode = 1;
  }
}

async function waitWithProgress(client: FluxQueryClient, jobId: string, timeoutMs?: number): Promise<ExportStatusBody> {
  const progress = createProgress(process.stderr);
  try {
    return await client.wait(jobId, {
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      onStatus: (status) =>
        progress.update({
          rows: status.progress.rows,
          bytes: status.progress.bytes,
          estimatedRows: status.progress.estimated_rows ?? undefined,
          label: status.status,
        }),
    });
  } finally {
    progress.stop();
  }
}

// eslint-disable-next-line max-lines-per-function -- commander's declarations of the service commands, one option per line; each action is a call into the client
export function addServiceCommands(program: Command): void {
  program
    .command('gen-secret')
    .description('print a new high-entropy secret for a client key (32 random bytes, hex)')
    .action(() => void process.stdout.write(`${generateSecret()}\n`));

  withService(program.command('sign'))
    .description('print the headers that sign one request (or, with --curl, the whole curl command)')
    .option('--method <method>', 'HTTP method', 'POST')
    .option('--path <path>', 'path, with its query string if any', '/export')
    .option('--body <json>', 'the exact body bytes to send', '')
    .option('--curl', 'print a curl command instead of the headers', false)
    // For reproducing a published test vector; a real request wants the current time and a fresh nonce.
    .addOption(new Option('--timestamp <unix-seconds>').hideHelp())
    .addOption(new Option('--nonce <nonce>').hideHelp())
    .action(
      (
        options: ServiceOptions & {
          method: string;
          path: string;
          body: string;
          curl: boolean;
          timestamp?: string;
          nonce?: string;
        },
      ) => {
        const headers = signatureHeaders({
          scheme: options.v1 ? 'v1' : 'v2',
          secret: options.secret,
          keyId: options.keyId,
          method: options.method,
          url: options.path,
          body: options.body,
          ...(options.timestamp ? { timestamp: options.timestamp } : {}),
          ...(options.nonce ? { nonce: options.nonce } : {}),
        });
        if (!options.curl) {
          for (const [name, value] of Object.entries(headers)) process.stdout.write(`${name}: ${value}\n`);
          return;
        }
        const parts = ['curl', '-sS', '-X', options.method.toUpperCase(), shellQuote(options.url + options.path)];
        if (options.body) parts.push('-H', shellQuote('Content-Type: application/json'));
        for (const [name, value] of Object.entries(headers)) parts.push('-H', shellQuote(`${name}: ${value}`));
        if (options.body) parts.push('--data-binary', shellQuote(options.body));
        process.stdout.write(`${parts.join(' ')}\n`);
      },
    );

  withService(program.command('submit'))
    .description('request an export; prints the job id (and, with --wait, the final status)')
    .requiredOption('-q, --query <sql>', 'one SELECT')
    .requiredOption('-e, --email <address>', 'who is told when it is done')
    .addOption(new Option('-f, --format <format>', 'file format').choices(['csv', 'json', 'xlsx']).default('csv'))
    .option('--gzip', 'gzip the file', false)
    .option('--callback-url <url>', 'POST the final status there (a signed webhook)')
    .option('--idempotency-key <key>', 'the same key and body again returns the same job')
    .option('--wait', 'wait for the export to end, with a progress display', false)
    .action(
      async (
        options: ServiceOptions & {
          query: string;
          email: string;
          format: 'csv' | 'json' | 'xlsx';
          gzip: boolean;
          callbackUrl?: string;
          idempotencyKey?: string;
          wait: boolean;
        },
      ) => {
        const client = clientFor(options);
        const request: ExportRequestBody = {
          query: options.query,
          email: options.email,
          format: options.format,
          compression: options.gzip ? 'gzip' : 'none',
          ...(options.callbackUrl ? { callback_url: options.callbackUrl } : {}),
        };
        const submitted = await client.submit(
          request,
          options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {},
        );
        if (!options.wait) return printJson(submitted);
        process.stderr.write(`job ${submitted.job_id}\n`);
        finish(await waitWithProgress(client, submitted.job_id));
      },
    );

  withService(program.command('status'))
    .description("print a job's status")
    .argument('<job-id>')
    .action(async (jobId: string, options: ServiceOptions) => printJson(await clientFor(options).status(jobId)));

  withService(program.command('wait'))
    .description('wait for a job to end (progress on a terminal); exit 0 only when it COMPLETED')
    .argument('<job-id>')
    .option('--timeout <duration>', 'give up after this long (90s, 10m, 1h)', parseDuration)
    .action(async (jobId: string, options: ServiceOptions & { timeout?: number }) => {
      finish(await waitWithProgress(clientFor(options), jobId, options.timeout));
    });

  withService(program.command('cancel'))
    .description('cancel a waiting or running job')
    .argument('<job-id>')
    .action(async (jobId: string, options: ServiceOptions) => printJson(await clientFor(options).cancel(jobId)));

  withService(program.command('download'))
    .description("fetch a finished job's file, checked by its sha256")
    .argument('<job-id>')
    .option('-o, --output <path>', "where to write it ('-' for stdout; default: the file's own name)")
    .action(async (jobId: string, options: ServiceOptions & { output?: string }) => {
      const client = clientFor(options);
      const status = await client.status(jobId);
      if (status.status !== 'COMPLETED' || !status.result) {
        throw new Error(`job ${jobId} is ${status.status}; only a COMPLETED job has a file`);
      }
      const target = options.output === '-' ? process.stdout : (options.output ?? status.result.file_name);
      const downloaded = await client.download(status.result, target);
      process.stderr.write(
        `${typeof target === 'string' ? target : 'stdout'}: ${downloaded.bytes} bytes, sha256 ${downloaded.sha256}\n`,
      );
    });
}

/** One shell word, safe in POSIX shells whatever it holds. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
