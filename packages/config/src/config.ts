import type { ClientKey, ClientLimits } from './client-keys';
import type { DownloadLinkSettings } from '@fluxquery/signing';
import type { StorageConfig } from '@fluxquery/storage';
import type { EmailSettings, SmtpSettings } from './delivery-config';
import type { ReplicaWait } from './redis-config';
import type { MysqlConnectionOptions } from '@fluxquery/mysql-source';
import type { RedisTopology } from '@fluxquery/coordination';

/** The configuration, read once from the environment by loadConfig and frozen. */
export interface Config {
  appEnv: 'development' | 'test' | 'production';
  /** Where webhooks may go: https only in production, loopback only in development. */
  callbacks: { requireHttps: boolean; allowLoopback: boolean };
  serverPort: number;
  /** SERVER_HOST: the api's listen address; empty: every interface. */
  serverHost: string;
  mysql: MysqlConnectionOptions;
  /** REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES, with their credentials. */
  redis: RedisTopology;
  /** REDIS_WAIT_REPLICAS (0: off) and REDIS_WAIT_TIMEOUT. */
  redisWait: ReplicaWait;
  storage: StorageConfig;
  smtp: SmtpSettings;
  email: EmailSettings;
  downloadLinks: DownloadLinkSettings;
  /** JOB_SEAL_SECRET: seals job payloads, so a worker runs only what the api or a worker queued. */
  jobSealSecret: string;
  /** Development only, with no SMTP_HOST: each message is written here as an .eml file. */
  mailOutboxDir: string;
  /** Local files older than this are removed by the worker (FILE_RETENTION, default JOB_RETENTION). */
  fileRetentionMs: number;
  /** Every client key, the `default` one (API_SECRET) included when it is set. */
  clients: ClientKey[];
  /** The limits of a key that sets none of its own. */
  limits: ClientLimits;
  /** Tools only: an account that may create databases and users. */
  adminMysql?: MysqlConnectionOptions;
  /** MYSQL_KEY_ROLES: each export reads with its key's role, not the account's own privileges. */
  mysqlKeyRoles: boolean;
  compression: boolean;
  workerCount: number;
  maxDbConcurrency: number;
  maxBodyBytes: number;
  jobRetentionMs: number;
  /** METRICS_PORT: a worker's metrics and probes; 0: none. With a range, its first port. */
  metricsPort: number;
  /** A METRICS_PORT range's last port (metricsPort itself when it names one): the worker takes the first free. */
  metricsPortLast: number;
  /** METRICS_HOST: where they listen. */
  metricsHost: string;
  /** QUEUE_PREFIX: BullMQ's key prefix, and the service's own Redis keys' (`<prefix>:fq:…`). */
  queuePrefix: string;
  /** WORKER_SHUTDOWN_GRACE: how long a stopping worker lets its exports run before handing them back. */
  workerShutdownGraceMs: number;
  /** WORKER_STALL_INTERVAL: a dead worker's jobs are taken over after about this long. */
  workerStallMs: number;
  /** JOB_RETENTION_COUNT: finished jobs kept per queue at most. */
  jobRetentionCount: number;
  /** SUBSCRIPTION_*: the limits and timings of recurring exports (docs/subscriptions.md). */
  subscriptions: SubscriptionSettings;
  /** Empty password: the dashboard is not mounted. */
  dashboard: { user: string; password: string; mode: 'read-only' | 'full'; canRetryFailed: boolean };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export interface SubscriptionSettings {
  /** The shortest time between two ticks a schedule may have. */
  minIntervalMs: number;
  /** Subscriptions per client key. */
  perKey: number;
  /** Failed runs in a row that pause a subscription. */
  maxFailures: number;
  /** How late a missed tick may still run once (misfire `run_once`). */
  misfireGraceMs: number;
  /** How often each worker repairs the schedulers. */
  reconcileIntervalMs: number;
}
