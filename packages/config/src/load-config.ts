import { envSchema } from './config-schema';
import { parseMysqlDsn, type MysqlConnectionConfig } from './mysql-dsn';
import path from 'node:path';
import type { ValidationResult } from 'joi';

export interface Config {
  appEnv: 'development' | 'test' | 'production';
  serverPort: number;
  mysql: MysqlConnectionConfig;
  redisUrl: string;
  storage: { type: 'local'; localPath: string };
  smtp: { host?: string; port: number; user?: string; pass?: string; from: string };
  apiSecret: string;
  compression: boolean;
  emailAttachFile: boolean;
  workerCount: number;
  maxDbConcurrency: number;
  defaultTimeoutMs: number;
  maxBodyBytes: number;
  jobRetentionMs: number;
  /** Empty password: the dashboard is not mounted. */
  dashboard: { user: string; password: string };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

interface Env {
  APP_ENV: Config['appEnv'];
  SERVER_PORT: number;
  MYSQL_DSN: string;
  REDIS_URL: string;
  STORAGE_TYPE: 'local';
  LOCAL_STORAGE_PATH: string;
  SMTP_HOST?: string;
  SMTP_PORT: number;
  SMTP_USER?: string;
  SMTP_PASS?: string;
  SMTP_FROM: string;
  API_SECRET: string;
  COMPRESSION: boolean;
  EMAIL_ATTACH_FILE: boolean;
  WORKER_COUNT: number;
  MAX_DB_CONCURRENCY: number;
  DEFAULT_TIMEOUT: number;
  MAX_BODY_BYTES: number;
  JOB_RETENTION: number;
  DASHBOARD_USER: string;
  DASHBOARD_PASSWORD: string;
  LOG_LEVEL: Config['logLevel'];
}

/** Validates the whole environment at once, reports every bad variable, and returns a frozen config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const result = envSchema.validate(env, { abortEarly: false, convert: true }) as ValidationResult<Env>;
  if (result.error) throw new ConfigError(result.error.details.map((detail) => detail.message));
  const v = result.value;
  const config: Config = {
    appEnv: v.APP_ENV,
    serverPort: v.SERVER_PORT,
    mysql: parseMysqlDsn(v.MYSQL_DSN),
    redisUrl: v.REDIS_URL,
    storage: { type: v.STORAGE_TYPE, localPath: path.resolve(v.LOCAL_STORAGE_PATH) },
    smtp: {
      ...(v.SMTP_HOST ? { host: v.SMTP_HOST } : {}),
      port: v.SMTP_PORT,
      ...(v.SMTP_USER ? { user: v.SMTP_USER } : {}),
      ...(v.SMTP_PASS ? { pass: v.SMTP_PASS } : {}),
      from: v.SMTP_FROM,
    },
    apiSecret: v.API_SECRET,
    compression: v.COMPRESSION,
    emailAttachFile: v.EMAIL_ATTACH_FILE,
    workerCount: v.WORKER_COUNT,
    maxDbConcurrency: v.MAX_DB_CONCURRENCY,
    defaultTimeoutMs: v.DEFAULT_TIMEOUT,
    maxBodyBytes: v.MAX_BODY_BYTES,
    jobRetentionMs: v.JOB_RETENTION,
    dashboard: { user: v.DASHBOARD_USER, password: v.DASHBOARD_PASSWORD },
    logLevel: v.LOG_LEVEL,
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}
