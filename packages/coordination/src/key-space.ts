/**
 * Every Redis key the service writes beside BullMQ's own, in one place, under one prefix
 * (`<QUEUE_PREFIX>:fq`): what each holds, and who writes it. Keys that one script touches together
 * share a Redis Cluster hash tag (a client key's slots and parked jobs: `{<prefix>:key:<id>}`);
 * every other key stands alone, so a cluster spreads them over its masters by their whole name.
 */
export interface KeySpace {
  /** A key's export slots: a sorted set of job ids, each scored by its lease's expiry (workers). */
  slots: (keyId: string) => string;
  /** A key's jobs waiting for a slot: a sorted set of job ids, oldest first (workers). */
  parked: (keyId: string) => string;
  /** A key's exports queued or running: a sorted set of job ids by entry time (api adds, workers remove). */
  backlog: (keyId: string) => string;
  /** The same, until each takes a slot: the oldest waiting export's age (api adds, workers remove). */
  waiting: (keyId: string) => string;
  /** A cancel request for a job: the time it was first asked for (api; read by workers). */
  cancel: (jobId: string) => string;
  /** The final status of a job cancelled while it waited, which BullMQ no longer holds (api). */
  cancelled: (jobId: string) => string;
  /** A signature or nonce seen once, for the replay window (api). */
  replay: (id: string) => string;
  /** An idempotency claim: the job id and the body's hash (api). */
  claim: (id: string) => string;
  /** One rate-limit window's counter of a client key (api); a key's counters share its hash tag, as one script counts them. */
  rate: (keyId: string, bucket: string) => string;
  /**
   * Subscriptions (api writes, workers update): each one's sealed record, each key's ids by
   * creation time, every id (the reconciler's list), and each one's runs by tick. They share one
   * hash tag, so a script can count a key's subscriptions and add one in one step.
   */
  subscription: (id: string) => string;
  subscriptionsOfKey: (keyId: string) => string;
  subscriptions: () => string;
  subscriptionRuns: (id: string) => string;
}

export function keySpace(prefix: string): KeySpace {
  return {
    slots: (keyId) => `{${prefix}:key:${keyId}}:slots`,
    parked: (keyId) => `{${prefix}:key:${keyId}}:parked`,
    backlog: (keyId) => `{${prefix}:key:${keyId}}:backlog`,
    waiting: (keyId) => `{${prefix}:key:${keyId}}:waiting`,
    cancel: (jobId) => `${prefix}:cancel:${jobId}`,
    cancelled: (jobId) => `${prefix}:cancelled:${jobId}`,
    replay: (id) => `${prefix}:replay:${id}`,
    claim: (id) => `${prefix}:claim:${id}`,
    rate: (keyId, bucket) => `{${prefix}:rate:${keyId}}:${bucket}`,
    subscription: (id) => `{${prefix}:subs}:sub:${id}`,
    subscriptionsOfKey: (keyId) => `{${prefix}:subs}:key:${keyId}`,
    subscriptions: () => `{${prefix}:subs}:all`,
    subscriptionRuns: (id) => `{${prefix}:subs}:runs:${id}`,
  };
}
