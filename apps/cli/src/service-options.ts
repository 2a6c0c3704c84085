import { createClient, type FluxQueryClient } from '@fluxquery/client';
import { Option, type Command } from 'commander';

export interface ServiceOptions {
  url: string;
  keyId: string;
  secret: string;
  v1: boolean;
}

/** The options every command that talks to a running service shares; the environment fills them in. */
export function withService(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'where the api listens')
        .env('BASE_URL')
        .default(`http://127.0.0.1:${process.env.SERVER_PORT ?? 8080}`),
    )
    .addOption(new Option('--key-id <id>', 'the client key').env('KEY_ID').default('default'))
    .addOption(new Option('--secret <secret>', "the key's secret").env('API_SECRET').default('devsecret'))
    .option('--v1', 'sign as the Go service’s clients do (default key only)', false);
}

export const clientFor = (options: ServiceOptions): FluxQueryClient =>
  createClient({
    baseUrl: options.url,
    keyId: options.keyId,
    secret: options.secret,
    scheme: options.v1 ? 'v1' : 'v2',
  });

export const printJson = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
