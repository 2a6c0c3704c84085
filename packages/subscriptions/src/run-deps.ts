import type { ClientKey, SubscriptionSettings } from '@fluxquery/config';
import type { KeyBacklog } from '@fluxquery/coordination';
import type { DeliveryQueue, ExportQueue } from '@fluxquery/export-job';
import type { PolicySettings } from '@fluxquery/export-policy';
import type { SubscriptionStore } from './subscription-store';
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
