import { readFileSync } from 'node:fs';
import type { Config } from './config';
import { DEFAULT_KEY_ID, parseClientKeys, type ClientKey, type ClientLimits } from './client-keys';
import { envSchema } from './config-schema';
import { findDevelopmentSecrets } from './development-defaults';
import { checkDeliveryEnv, readDownloadLinks, readSmtp, readStorage, type DeliveryEnv } from './delivery-config';
import { parseMysqlDsn } from './mysql-dsn';
import { readRedis, type RedisEnv } from './redis-config';
import path from 'node:path';
import type { ValidationResult } from 'joi';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

interface Env extends DeliveryEnv, RedisEnv {
  APP_ENV: Config['appEnv'];
  SERVER_HOST: string;
  MYSQL_DSN: string;
  API_SECRET?: string;
  CLIENT_KEYS?: string;
  CLIENT_KEYS_FILE?: string;
  MAX_EXPORT_ROWS: number;
  MAX_EXPORT_BYTES: number;
  EXPORTS_PER_MINUTE: number;
  REQUESTS_PER_MINUTE: number;
  MAX_CONCURRENT_EXPORTS_PER_KEY: number;
  ADMIN_MYSQL_DSN?: string;
  MYSQL_KEY_ROLES: boolean;
  COMPRESSION: boolean;
  WORKER_COUNT: number;
  MAX_DB_CONCURRENCY: number;
  DEFAULT_TIMEOUT: number;
  MAX_BODY_BYTES: number;
  JOB_RETENTION_COUNT: number;
  QUEUE_PREFIX: string;
  METRICS_PORT: number | string;
  METRICS_HOST: string;
  WORKER_STALL_INTERVAL: number;
  WORKER_SHUTDOWN_GRACE: number;
  SUBSCRIPTION_MIN_INTERVAL: number;
  SUBSCRIPTIONS_PER_KEY: number;
  SUBSCRIPTION_MAX_FAILURES: number;
  SUBSCRIPTION_MISFIRE_GRACE: number;
  SUBSCRIPTION_RECONCILE_INTERVAL: number;
  DASHBOARD_USER: string;
  DASHBOARD_PASSWORD: string;
  DASHBOARD_MODE: 'read-only' | 'full';
  DASHBOARD_RETRY_FAILED: boolean;
  JOB_SEAL_SECRET: string;
  LOG_LEVEL: Config['logLevel'];
}

/** Validates the whole environment at once, reports every bad variable, and returns a frozen config. */
// eslint-disable-next-line max-lines-per-function -- builds the Config field by field: as long as the configuration
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const result = envSchema.validate(env, { abortEarly: false, convert: true }) as ValidationResult<Env>;
  if (result.error) throw new ConfigError(result.error.details.map((detail) => detail.message));
  const v = result.value;
  const mysql = parseMysqlDsn(v.MYSQL_DSN);
  const limits: ClientLimits = {
    maxRows: v.MAX_EXPORT_ROWS,
    maxBytes: v.MAX_EXPORT_BYTES,
    timeoutMs: v.DEFAULT_TIMEOUT,
    exportsPerMinute: v.EXPORTS_PER_MINUTE,
    requestsPerMinute: v.REQUESTS_PER_MINUTE,
    maxConcurrentExports: v.MAX_CONCURRENT_EXPORTS_PER_KEY,
  };
  const clients = loadClients(v, { limits, allowedSchemas: [mysql.database] });
  const problems = checkDeliveryEnv(
    v,
    clients.flatMap((client) => client.secrets),
  );
  const secrets = [...clients.flatMap((client) => client.secrets), v.DOWNLOAD_LINK_SECRET];
  if (secrets.includes(v.JOB_SEAL_SECRET)) {
    problems.push('"JOB_SEAL_SECRET" must differ from every client key secret and DOWNLOAD_LINK_SECRET');
  }
  const redis = readRedis(v, env);
  problems.push(...redis.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const localRoot = path.resolve(v.LOCAL_STORAGE_PATH);
  const fileRetentionMs = v.FILE_RETENTION ?? v.JOB_RETENTION;
  const config: Config = {
    appEnv: v.APP_ENV,
    callbacks: { requireHttps: v.APP_ENV === 'production', allowLoopback: v.APP_ENV === 'development' },
    serverPort: v.SERVER_PORT,
    serverHost: v.SERVER_HOST,
    mysql,
    redis: redis.topology,
    redisWait: { replicas: v.REDIS_WAIT_REPLICAS, timeoutMs: v.REDIS_WAIT_TIMEOUT },
    storage: readStorage(v, localRoot),
    smtp: readSmtp(v),
    email: { attachFile: v.EMAIL_ATTACH_FILE, maxMessageBytes: v.EMAIL_MAX_ATTACHMENT_BYTES },
    downloadLinks: readDownloadLinks(v, fileRetentionMs),
    mailOutboxDir: path.join(localRoot, 'mail'),
    jobSealSecret: v.JOB_SEAL_SECRET,
    fileRetentionMs,
    clients,
    limits,
    ...(v.ADMIN_MYSQL_DSN ? { adminMysql: parseMysqlDsn(v.ADMIN_MYSQL_DSN) } : {}),
    mysqlKeyRoles: v.MYSQL_KEY_ROLES,
    compression: v.COMPRESSION,
    workerCount: v.WORKER_COUNT,
    maxDbConcurrency: v.MAX_DB_CONCURRENCY,
    maxBodyBytes: v.MAX_BODY_BYTES,
    jobRetentionMs: v.JOB_RETENTION,
    queuePrefix: v.QUEUE_PREFIX,
    ...metricsPorts(v.METRICS_PORT),
    metricsHost: v.METRICS_HOST,
    workerStallMs: v.WORKER_STALL_INTERVAL,
    workerShutdownGraceMs: v.WORKER_SHUTDOWN_GRACE,
    jobRetentionCount: v.JOB_RETENTION_COUNT,
    subscriptions: {
      minIntervalMs: v.SUBSCRIPTION_MIN_INTERVAL,
      perKey: v.SUBSCRIPTIONS_PER_KEY,
      maxFailures: v.SUBSCRIPTION_MAX_FAILURES,
      misfireGraceMs: v.SUBSCRIPTION_MISFIRE_GRACE,
      reconcileIntervalMs: v.SUBSCRIPTION_RECONCILE_INTERVAL,
    },
    dashboard: {
      user: v.DASHBOARD_USER,
      password: v.DASHBOARD_PASSWORD,
      mode: v.DASHBOARD_MODE,
      canRetryFailed: v.DASHBOARD_RETRY_FAILED,
    },
    logLevel: v.LOG_LEVEL,
  };
  // Anyone who has read this repository knows these: production never runs with one.
  const known = findDevelopmentSecrets(config);
  if (config.appEnv === 'production' && known.length > 0) {
    throw new ConfigError(
      known.map((name) => `"${name.split(' ')[0]}" holds a development default; production needs a secret of its own`),
    );
  }
  return deepFreeze(config);
}

/** The longest time limit any export may have: the global one, or some key's own. */
export function longestTimeoutMs(config: Pick<Config, 'limits' | 'clients'>): number {
  return Math.max(config.limits.timeoutMs, ...config.clients.map((client) => client.limits.timeoutMs));
}

function loadClients(v: Env, defaults: { limits: ClientLimits; allowedSchemas: string[] }): ClientKey[] {
  const minSecretLength = v.APP_ENV === 'production' ? 16 : 1;
  const problems: string[] = [];
  let listed: ClientKey[] = [];
  if (v.CLIENT_KEYS && v.CLIENT_KEYS_FILE) problems.push('set CLIENT_KEYS or CLIENT_KEYS_FILE, not both');
  try {
    if (v.CLIENT_KEYS) listed = parseClientKeys(v.CLIENT_KEYS, 'CLIENT_KEYS', { ...defaults, minSecretLength });
    if (v.CLIENT_KEYS_FILE) {
      const text = readFileSync(v.CLIENT_KEYS_FILE, 'utf8');
      listed = parseClientKeys(text, `CLIENT_KEYS_FILE (${v.CLIENT_KEYS_FILE})`, { ...defaults, minSecretLength });
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const clients = [...listed];
  if (v.API_SECRET) {
    if (listed.some((key) => key.keyId === DEFAULT_KEY_ID)) {
      problems.push(`the "${DEFAULT_KEY_ID}" key is set twice: by API_SECRET and in the client keys`);
    }
    clients.push({ keyId: DEFAULT_KEY_ID, secrets: [v.API_SECRET], ...defaults });
  }
  if (clients.length === 0) problems.push('"API_SECRET" is required (or CLIENT_KEYS / CLIENT_KEYS_FILE with a key)');
  if (problems.length > 0) throw new ConfigError(problems);
  return clients;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/** METRICS_PORT as the first and last port to try: one port, or a range `first-last`. */
function metricsPorts(value: number | string): { metricsPort: number; metricsPortLast: number } {
  const [first, last = first] = String(value).split('-').map(Number) as [number, number?];
  return { metricsPort: first, metricsPortLast: last };
}
