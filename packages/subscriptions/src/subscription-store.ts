import type { SubscriptionRecords } from '@fluxquery/coordination';
import { AppError } from '@fluxquery/errors';
import { hasValidSeal, sealJob } from '@fluxquery/export-job';
import type { Subscription, SubscriptionRun } from './subscription';

/** What the seals of subscriptions are made over, beside the id: never a queue's name. */
const SEAL_SCOPE = 'subscriptions';
const MAX_TRIES = 20;

/**
 * Subscriptions in Redis, sealed with JOB_SEAL_SECRET like jobs: a record planted or edited in
 * Redis (which could make the workers export anything to anyone) reads as corrupt and runs nothing.
 * Every change is a compare-and-set, retried: the api and any worker may change one at once.
 */
export interface SubscriptionStore {
  create(subscription: Subscription, maxPerKey: number): Promise<boolean>;
  get(id: string): Promise<Subscription | undefined>;
  /** Applies `change` to the current record until it sticks; `change` returning undefined changes nothing. */
  update(id: string, change: (current: Subscription) => Subscription | undefined): Promise<Subscription | undefined>;
  remove(subscription: Subscription): Promise<boolean>;
  listOfKey(keyId: string, offset: number, count: number): Promise<{ items: Subscription[]; total: number }>;
  all(): Promise<Subscription[]>;
  /** The tick's run, written once: false when the tick already has one. */
  claimRun(id: string, run: SubscriptionRun): Promise<boolean>;
  getRun(id: string, tickMs: number): Promise<SubscriptionRun | undefined>;
  updateRun(id: string, tickMs: number, change: (run: SubscriptionRun) => SubscriptionRun | undefined): Promise<void>;
  runs(id: string): Promise<SubscriptionRun[]>;
}

function sealed(secret: string, subscription: Subscription): string {
  return JSON.stringify(sealJob(secret, SEAL_SCOPE, subscription.id, subscription));
}

function unsealed(secret: string, id: string, text: string): Subscription {
  const parsed: unknown = JSON.parse(text);
  if (!hasValidSeal(secret, SEAL_SCOPE, id, parsed)) {
    throw new AppError('JOB_SEAL_INVALID', `the subscription ${id} was changed outside the service; it was refused`);
  }
  const { seal: _seal, ...subscription } = parsed as Subscription & { seal: string };
  return subscription;
}

/**
 * Reads a text, applies `change`, and writes it back only if the text is still the one read,
 * retried until it sticks: the value written, the value as it was when `change` changes nothing,
 * or undefined when there is no text. Too many lost races are a 503.
 */
async function compareAndSet<T>(
  texts: { get(): Promise<string | undefined>; replace(before: string, after: string): Promise<boolean> },
  codec: { read(text: string): T; write(value: T): string },
  change: (current: T) => T | undefined,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    const before = await texts.get();
    if (before === undefined) return undefined;
    const current = codec.read(before);
    const next = change(current);
    if (!next) return current;
    if (await texts.replace(before, codec.write(next))) return next;
  }
  throw new AppError('SERVICE_UNAVAILABLE', 'the subscription is being changed by others; try again shortly');
}

export function createSubscriptionStore(records: SubscriptionRecords, sealSecret: string): SubscriptionStore {
  const write = (subscription: Subscription) => sealed(sealSecret, subscription);
  const read = (id: string, text: string) => unsealed(sealSecret, id, text);
  const readMany = async (ids: string[]) => {
    const texts = await Promise.all(ids.map(async (id) => [id, await records.get(id)] as const));
    return texts.flatMap(([id, text]) => (text ? [read(id, text)] : []));
  };
  return {
    create: (subscription, maxPerKey) =>
      records.create({
        keyId: subscription.keyId,
        id: subscription.id,
        text: write(subscription),
        createdAtMs: subscription.createdAt,
        max: maxPerKey,
      }),
    async get(id) {
      const text = await records.get(id);
      return text ? read(id, text) : undefined;
    },
    async update(id, change) {
      const texts = {
        get: () => records.get(id),
        replace: (before: string, after: string) => records.replace(id, before, after),
      };
      return compareAndSet(texts, { read: (text) => read(id, text), write }, change);
    },
    remove: (subscription) => records.remove(subscription.keyId, subscription.id),
    async listOfKey(keyId, offset, count) {
      const { ids, total } = await records.listOfKey(keyId, offset, count);
      return { items: await readMany(ids), total };
    },
    async all() {
      return readMany(await records.allIds());
    },
    claimRun: (id, run) => records.claimRun(id, run.tickMs, JSON.stringify(run)),
    async getRun(id, tickMs) {
      const text = await records.getRun(id, tickMs);
      return text ? (JSON.parse(text) as SubscriptionRun) : undefined;
    },
    async updateRun(id, tickMs, change) {
      const texts = {
        get: () => records.getRun(id, tickMs),
        replace: (before: string, after: string) => records.replaceRun(id, tickMs, before, after),
      };
      await compareAndSet(
        texts,
        { read: (text) => JSON.parse(text) as SubscriptionRun, write: JSON.stringify },
        change,
      );
    },
    async runs(id) {
      return (await records.runs(id)).map(({ text }) => JSON.parse(text) as SubscriptionRun);
    },
  };
}
