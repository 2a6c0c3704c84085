// How the service's processes coordinate through Redis, beside BullMQ's own keys: every key name
// (key-space.ts) and every Lua script, each with the keys it touches. Each key's export slots and
// parked jobs (workers), cancel flags (api → workers), cancelled jobs' final statuses, replay
// records, idempotency claims and rate-limit counters (api), subscriptions and their runs. Imports only `errors` of ours: the
// api and the worker use it, never the other way round.
export { keySpace, type KeySpace } from './key-space';
export { createKeySlots, SLOT_LEASE_MS, PARK_MS, type KeySlots, type ParkedJobs } from './key-slots';
export { holdKeySlot, type HeldSlot } from './hold-key-slot';
export { createKeyBacklog, type KeyBacklog } from './key-backlog';
export { createCancelFlags, type CancelFlags } from './cancel-flags';
export { createCancelledJobs, type CancelledJob, type CancelledJobs } from './cancelled-jobs';
export { createRedisGuards, type RateBucket, type RateResult, type RequestGuards } from './request-guards';
export { createSubscriptionRecords, RUNS_KEPT, type SubscriptionRecords } from './subscription-records';
export { withTimeout } from './with-timeout';
export {
  connectRedis,
  createReplicaWait,
  redisHosts,
  type RedisClient,
  type RedisNode,
  type RedisAuth,
  type RedisTopology,
} from './redis-connection';
