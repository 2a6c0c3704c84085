import type { ClientKey, Config, SubscriptionSettings } from '@fluxquery/config';
import { createSubscriptionRecords, type KeyBacklog, type RedisClient } from '@fluxquery/coordination';
import type { DeliveryQueue, ExportQueue } from '@fluxquery/export-job';
import type { PolicySettings } from '@fluxquery/export-policy';
import { createSubscriptionStore, type SubscriptionStore } from './subscription-store';
import type { UnsubscribeLinks } from './subscription-notices';
import type { TickQueue } from './tick-queue';

/** What starting, ending and pausing runs need; the api (run now) and the workers (ticks) both build it. */
export interface RunDeps {
  store: SubscriptionStore;
  ticks: TickQueue;
  exports: ExportQueue;
  deliveries: DeliveryQueue;
  backlog: KeyBacklog;
  sealSecret: string;
  clients: readonly ClientKey[];
  policy: PolicySettings;
  settings: SubscriptionSettings;
  links: UnsubscribeLinks;
  /** A run's outcome, once it has one (the workers' metric). */
  onOutcome?: (outcome: string) => void;
  now: () => number;
}

/** The same for a process of the service, from its configuration, connection, queues and key backlog. */
export function runDepsFor(
  config: Readonly<Config>,
  parts: Pick<RunDeps, 'exports' | 'deliveries' | 'ticks' | 'backlog' | 'onOutcome'> & { redis: RedisClient },
): RunDeps {
  const prefix = `${config.queuePrefix}:fq`;
  return {
    store: createSubscriptionStore(createSubscriptionRecords(parts.redis, prefix), config.jobSealSecret),
    ticks: parts.ticks,
    exports: parts.exports,
    deliveries: parts.deliveries,
    backlog: parts.backlog,
    sealSecret: config.jobSealSecret,
    clients: config.clients,
    policy: { defaultSchema: config.mysql.database, callbacks: config.callbacks },
    settings: config.subscriptions,
    links: { publicUrl: config.downloadLinks.publicUrl, secret: config.downloadLinks.secret },
    ...(parts.onOutcome ? { onOutcome: parts.onOutcome } : {}),
    now: Date.now,
  };
}
