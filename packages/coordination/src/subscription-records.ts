import type { RedisClient } from './redis-connection';
import { keySpace } from './key-space';
import { defineScript } from './redis-script';
import { withTimeout } from './with-timeout';

/**
 * Subscriptions as texts in Redis (the subscriptions package seals and reads them): each record,
 * each key's ids, every id, and each subscription's runs by tick. Changes are compare-and-set, so
 * an api changing a subscription and a worker recording a run never overwrite each other.
 */
export interface SubscriptionRecords {
  /** Adds a record unless its key already has `max`: false then. */
  create(input: { keyId: string; id: string; text: string; createdAtMs: number; max: number }): Promise<boolean>;
  get(id: string): Promise<string | undefined>;
  /** Replaces the record if it is still `before`: false when it changed meanwhile, or is gone. */
  replace(id: string, before: string, after: string): Promise<boolean>;
  remove(keyId: string, id: string): Promise<boolean>;
  /** A key's ids, oldest first, and how many it has. */
  listOfKey(keyId: string, offset: number, count: number): Promise<{ ids: string[]; total: number }>;
  allIds(): Promise<string[]>;
  /** A tick's run, written once: false when the tick already has one (a tick fired twice). */
  claimRun(id: string, tickMs: number, text: string): Promise<boolean>;
  /** Changes a tick's run if it is still `before`. */
  replaceRun(id: string, tickMs: number, before: string, after: string): Promise<boolean>;
  getRun(id: string, tickMs: number): Promise<string | undefined>;
  /** Every run kept, newest first. */
  runs(id: string): Promise<{ tickMs: number; text: string }[]>;
}

/** Each subscription keeps its newest 1,000 runs. */
export const RUNS_KEPT = 1_000;
const TIMEOUT_MS = 2_000;

const CREATE = `
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[4])
return 1`;

const REPLACE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

const REMOVE = `
local existed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4])
return existed`;

const CLAIM_RUN = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
local count = redis.call('HLEN', KEYS[1])
if count > tonumber(ARGV[3]) then
  local ticks = redis.call('HKEYS', KEYS[1])
  table.sort(ticks, function(a, b) return tonumber(a) < tonumber(b) end)
  for i = 1, count - tonumber(ARGV[3]) do redis.call('HDEL', KEYS[1], ticks[i]) end
end
return 1`;

const REPLACE_RUN = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

export function createSubscriptionRecords(redis: RedisClient, prefix = 'fq'): SubscriptionRecords {
  const keys = keySpace(prefix);
  const create = defineScript(redis, 'fqSubscriptionCreate', 3, CREATE);
  const replace = defineScript(redis, 'fqSubscriptionReplace', 1, REPLACE);
  const remove = defineScript(redis, 'fqSubscriptionRemove', 4, REMOVE);
  const claimRun = defineScript(redis, 'fqSubscriptionClaimRun', 1, CLAIM_RUN);
  const replaceRun = defineScript(redis, 'fqSubscriptionReplaceRun', 1, REPLACE_RUN);
  const timed = <T>(work: Promise<T>) => withTimeout(work, TIMEOUT_MS);
  return {
    async create({ keyId, id, text, createdAtMs, max }) {
      const added = await timed(
        create(keys.subscription(id), keys.subscriptionsOfKey(keyId), keys.subscriptions(), text, createdAtMs, max, id),
      );
      return added === 1;
    },
    async get(id) {
      return (await timed(redis.get(keys.subscription(id)))) ?? undefined;
    },
    async replace(id, before, after) {
      return (await timed(replace(keys.subscription(id), before, after))) === 1;
    },
    async remove(keyId, id) {
      const removed = await timed(
        remove(
          keys.subscription(id),
          keys.subscriptionsOfKey(keyId),
          keys.subscriptions(),
          keys.subscriptionRuns(id),
          id,
        ),
      );
      return removed === 1;
    },
    async listOfKey(keyId, offset, count) {
      const key = keys.subscriptionsOfKey(keyId);
      const [ids, total] = await timed(Promise.all([redis.zrange(key, offset, offset + count - 1), redis.zcard(key)]));
      return { ids, total };
    },
    async allIds() {
      return timed(redis.smembers(keys.subscriptions()));
    },
    async claimRun(id, tickMs, text) {
      return (await timed(claimRun(keys.subscriptionRuns(id), tickMs, text, RUNS_KEPT))) === 1;
    },
    async replaceRun(id, tickMs, before, after) {
      return (await timed(replaceRun(keys.subscriptionRuns(id), tickMs, before, after))) === 1;
    },
    async getRun(id, tickMs) {
      return (await timed(redis.hget(keys.subscriptionRuns(id), String(tickMs)))) ?? undefined;
    },
    async runs(id) {
      const all = await timed(redis.hgetall(keys.subscriptionRuns(id)));
      return Object.entries(all)
        .map(([tick, text]) => ({ tickMs: Number(tick), text }))
        .sort((a, b) => b.tickMs - a.tickMs);
    },
  };
}
