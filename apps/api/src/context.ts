import type { ClientKey } from '@fluxquery/config';
import type { CancelFlags, CancelledJobs, KeyBacklog, RequestGuards } from '@fluxquery/coordination';
import type { DeliveryQueue, ExportQueue } from '@fluxquery/export-job';
import type { Logger } from '@fluxquery/logger';
import type { ApiMetrics } from '@fluxquery/metrics';
import type { DownloadLinkSettings } from '@fluxquery/signing';
import type { Storage } from '@fluxquery/storage';
import type { DashboardOptions } from './dashboard';
import type { RunDeps } from '@fluxquery/subscriptions';

/** JOB_RETENTION's default, for deps that do not say. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;

/** Everything a route needs, handed in once; there are no module-level singletons. */
export interface ApiDeps {
  queue: ExportQueue;
  /** Delivery jobs (email), read for the status's `delivery` and shown in Bull Board. */
  deliveries: DeliveryQueue;
  /** Where finished files are, for GET /download/:token. */
  storage: Storage;
  /** Signs and checks download links; the secret is never a client's. */
  links: DownloadLinkSettings;
  /** Answers whether Redis is reachable, for /readyz. */
  pingRedis(): Promise<void>;
  logger: Logger;
  /** Every client key that may sign requests. */
  clients: readonly ClientKey[];
  /** Replay guard and rate limits, in Redis. */
  guards: RequestGuards;
  /** Each key's exports queued or running: a new job's priority (fair shares between keys). */
  backlog: KeyBacklog;
  /** REDIS_WAIT_REPLICAS: true once enough replicas hold what was just written; absent: no wait. */
  waitForReplicas?: () => Promise<boolean>;
  /** The database of MYSQL_DSN, where unqualified tables live. */
  defaultSchema: string;
  maxBodyBytes: number;
  /** JOB_RETENTION: how long finished jobs, idempotency keys and cancelled jobs' statuses are kept. */
  jobRetentionMs?: number;
  /** JOB_SEAL_SECRET: every job the api queues is sealed with it, and the workers check the seal. */
  sealSecret: string;
  /** DELETE /export/:id leaves its request here for the workers. */
  cancelFlags: CancelFlags;
  /** The final status of jobs cancelled while they waited (BullMQ removes those jobs). */
  cancelled: CancelledJobs;
  /** ±seconds around the server clock in which a signed request is accepted. */
  signatureWindowSeconds?: number;
  /** Unix milliseconds; tests may move the clock. */
  now?: () => number;
  /** Prometheus metrics for GET /metrics; absent: none are kept. */
  metrics?: ApiMetrics;
  /** Where callback_url may point (APP_ENV): absent, as in production (https only, no loopback). */
  callbacks?: { requireHttps: boolean; allowLoopback: boolean };
  /** docs/openapi.yaml, parsed: served at /openapi.json and /docs; absent: not served. */
  openApi?: object;
  /** Subscriptions' store, ticks and runs; absent: the /subscriptions routes are not mounted. */
  subscriptions?: RunDeps;
  /** Bull Board credentials; absent or empty password: no dashboard. */
  dashboard?: DashboardOptions;
}
