#!/usr/bin/env node
import { FluxQueryError } from '@fluxquery/client';
import { ConfigError, loadConfig } from '@fluxquery/config';
import { isAppError } from '@fluxquery/errors';
import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { addDbCommands } from './db-commands';
import { addExportCommand } from './export-command';
import { addServiceCommands } from './service-commands';
import { addSubscriptionCommands } from './subscription-commands';

// The AWS SDK warns, on every run, that its later releases will need Node 22: news for whoever
// upgrades the pinned SDK, noise for a person running one export. Other warnings are printed.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  const isSdkNotice = `${warning.name}: ${warning.message}`.includes('NodeVersionSupportWarning');
  if (!isSdkNotice) process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

// Settings come from the environment, and from .env in the current folder, as for the services.
if (existsSync('.env')) process.loadEnvFile('.env');

const program = new Command('fluxquery')
  .description('FluxQuery Export from the command line: talk to a running service, or run one export directly')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();
addServiceCommands(program);
addSubscriptionCommands(program);
addExportCommand(program, () => loadConfig());
addDbCommands(program, () => loadConfig());

/** Every error ends in one plain line on stderr and a non-zero exit: 2 for usage, 1 for the rest. */
program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
    return;
  }
  process.stderr.write(`fluxquery: ${describe(error)}\n`);
  process.exitCode = 1;
});

function describe(error: unknown): string {
  if (error instanceof FluxQueryError) return `${error.code} (${error.status || 'no answer'}): ${error.message}`;
  if (isAppError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof ConfigError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
