import type { ScheduleBody, SubscriptionRequestBody } from '@fluxquery/client';
import { Option, type Command } from 'commander';
import { clientFor, printJson, withService, type ServiceOptions } from './service-options';

interface CreateOptions extends ServiceOptions {
  query: string;
  email: string;
  cron: string;
  timeZone: string;
  name?: string;
  format: 'csv' | 'json' | 'xlsx';
  gzip: boolean;
  condition: 'always' | 'rows' | 'changed';
  misfire: 'skip' | 'run_once';
  startsAt?: string;
  endsAt?: string;
  maxRuns?: string;
  callbackUrl?: string;
}

/** `fluxquery subscriptions …`: recurring exports on a running service, each answer printed as JSON. */
export function addSubscriptionCommands(program: Command): void {
  const group = program.command('subscriptions').description('recurring exports: an export request on a schedule');
  withService(group.command('create'))
    .description('subscribe to an export on a schedule; prints the subscription')
    .requiredOption('-q, --query <sql>', 'one SELECT')
    .requiredOption('-e, --email <address>', 'who gets each run')
    .requiredOption('--cron <fields>', "five cron fields, such as '0 8 * * 1'")
    .requiredOption('--time-zone <zone>', 'the IANA zone the cron is read in, such as Europe/Berlin')
    .option('--name <name>', 'what its emails call it')
    .addOption(new Option('-f, --format <format>', 'file format').choices(['csv', 'json', 'xlsx']).default('csv'))
    .option('--gzip', 'gzip the file', false)
    .addOption(
      new Option('--condition <when>', 'deliver when').choices(['always', 'rows', 'changed']).default('always'),
    )
    .addOption(
      new Option('--misfire <policy>', 'a tick missed while down').choices(['skip', 'run_once']).default('run_once'),
    )
    .option('--starts-at <time>', 'no tick before (ISO 8601)')
    .option('--ends-at <time>', 'no tick after (ISO 8601)')
    .option('--max-runs <n>', 'at most this many runs')
    .option('--callback-url <url>', 'POST each run’s final status there (a signed webhook)')
    .action(async (options: CreateOptions) =>
      printJson(await clientFor(options).subscriptions.create(requestOf(options))),
    );
  withService(group.command('list'))
    .description("the key's subscriptions")
    .option('--offset <n>', 'skip this many', '0')
    .option('--limit <n>', 'at most this many (1 to 100)', '20')
    .action(async (options: ServiceOptions & { offset: string; limit: string }) =>
      printJson(
        await clientFor(options).subscriptions.list({ offset: Number(options.offset), limit: Number(options.limit) }),
      ),
    );
  const byId = (name: string, description: string, call: (options: ServiceOptions, id: string) => Promise<unknown>) =>
    withService(group.command(name))
      .description(description)
      .argument('<subscription-id>')
      .action(async (id: string, options: ServiceOptions) => printJson(await call(options, id)));
  byId('show', 'one subscription, with its next run', (o, id) => clientFor(o).subscriptions.show(id));
  byId('pause', 'stop its ticks until it is resumed', (o, id) => clientFor(o).subscriptions.pause(id));
  byId('resume', 'tick again from now', (o, id) => clientFor(o).subscriptions.resume(id));
  byId('run', 'one run now; prints its export job id', (o, id) => clientFor(o).subscriptions.run(id));
  byId('delete', 'delete it and its scheduler', (o, id) => clientFor(o).subscriptions.remove(id));
  byId('runs', 'each tick with its outcome, newest first', (o, id) => clientFor(o).subscriptions.runs(id));
}

function requestOf(options: CreateOptions): SubscriptionRequestBody {
  const schedule: ScheduleBody = {
    cron: options.cron,
    time_zone: options.timeZone,
    ...(options.startsAt ? { starts_at: options.startsAt } : {}),
    ...(options.endsAt ? { ends_at: options.endsAt } : {}),
    ...(options.maxRuns ? { max_runs: Number(options.maxRuns) } : {}),
  };
  return {
    query: options.query,
    email: options.email,
    format: options.format,
    compression: options.gzip ? 'gzip' : 'none',
    ...(options.name ? { name: options.name } : {}),
    ...(options.callbackUrl ? { callback_url: options.callbackUrl } : {}),
    schedule,
    condition: options.condition,
    misfire: options.misfire,
  };
}
