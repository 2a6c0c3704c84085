import { keySpace } from './key-space';
import type { RedisClient } from './redis-connection';
import { defineScript } from './redis-script';

/**
 * Fair shares between client keys, with open-source BullMQ: each export job's priority is its key's
 * backlog (the key's exports queued or running, itself included) when it was queued. A freed
 * worker slot takes the lowest number first, and equal numbers in arrival order, so the keys take
 * turns: a key with 20 queued has them at 1…20, and another key's single export, queued after them
 * at 1, runs next; two keys of 10 each alternate. Waiting jobs cost Redis nothing.
 */
export interface KeyBacklog {
  /** Counts the job in its key's backlog; returns its priority (1 for a key with nothing else queued). */
  enter(keyId: string, jobId: string): Promise<number>;
  /** The job has ended for good (finished, failed its last attempt, cancelled), or was never queued. */
  leave(keyId: string, jobId: string): Promise<void>;
  /** How long the oldest of these keys' exports that has not yet taken a slot has waited (ms; 0: none). */
  oldestWaitingMs(keyIds: readonly string[]): Promise<number>;
}

// BullMQ's highest priority number (2^21 - 1); 0 would mean no priority, ahead of every other job.
const MAX_PRIORITY = 2_097_151;
// A job that left without `leave` (its queue entry removed by hand, a worker killed on its last
// attempt) stops counting after a day.
const FORGET_AFTER_MS = 24 * 3_600_000;

// KEYS[1] the key's backlog, KEYS[2] its waiting exports; ARGV: job id, forget after (ms).
// Redis's clock, as for slots. A slot taken removes the job from KEYS[2] (key-slots.ts).
const ENTER = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - tonumber(ARGV[2]))
  redis.call('ZADD', KEYS[i], 'NX', now, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return redis.call('ZCARD', KEYS[1])`;

export function createKeyBacklog(redis: RedisClient, prefix = 'fq'): KeyBacklog {
  const { backlog, waiting } = keySpace(prefix);
  const enterScript = defineScript(redis, 'fqEnterBacklog', 2, ENTER);
  return {
    async enter(keyId, jobId) {
      const count = Number(await enterScript(backlog(keyId), waiting(keyId), jobId, FORGET_AFTER_MS));
      return Math.min(Math.max(count, 1), MAX_PRIORITY);
    },
    async leave(keyId, jobId) {
      await Promise.all([redis.zrem(backlog(keyId), jobId), redis.zrem(waiting(keyId), jobId)]);
    },
    async oldestWaitingMs(keyIds) {
      const [seconds, micros] = await redis.time();
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const oldest = await Promise.all(keyIds.map((keyId) => redis.zrange(waiting(keyId), 0, 0, 'WITHSCORES')));
      const since = oldest.flatMap(([, score]) => (score === undefined ? [] : [Number(score)]));
      return since.length === 0 ? 0 : Math.max(0, now - Math.min(...since));
    },
  };
}
