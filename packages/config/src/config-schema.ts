import Joi from 'joi';
import { parseDurationMs } from './duration';
import { DEVELOPMENT_SECRETS } from './development-defaults';
import { parseMysqlDsn } from './mysql-dsn';

const flag = () => Joi.boolean().truthy('1', 'yes', 'on').falsy('0', 'no', 'off', '');

const dsn = Joi.string().custom((value: string, helpers) => {
  try {
    parseMysqlDsn(value);
    return value;
  } catch (error) {
    return helpers.message({ custom: `"MYSQL_DSN" ${(error as Error).message}` });
  }
});

const duration = Joi.alternatives(Joi.string(), Joi.number()).custom((value: string | number, helpers) => {
  const ms = parseDurationMs(String(value));
  if (ms === undefined || ms <= 0) {
    return helpers.message({ custom: `"{{#label}}" must be seconds or a duration such as 90s, 5m, 1h30m` });
  }
  return ms;
});

/**
 * The environment, as existing deployments name it. Development and test get working defaults for a
 * local MariaDB and Redis; production must say what it means for anything secret or location-bound.
 */
const settings = {
  APP_ENV: Joi.string().valid('development', 'test', 'production').default('development'),
  SERVER_PORT: Joi.number().port().default(8080),
  // Every interface by default, as the Go service listened; .env.example keeps development on loopback.
  SERVER_HOST: Joi.string().hostname().allow('').default(''),
  MYSQL_DSN: dsn.when('APP_ENV', {
    is: 'production',
    then: Joi.required(),
    otherwise: Joi.any().default('root:@tcp(127.0.0.1:3306)/fluxquery_demo?parseTime=true'),
  }),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .default('redis://127.0.0.1:6379'),
  // Sentinel and Cluster (redis-config.ts checks the combinations, with one message each).
  REDIS_SENTINELS: Joi.string().allow(''),
  REDIS_SENTINEL_NAME: Joi.string().allow(''),
  REDIS_SENTINEL_USERNAME: Joi.string().allow(''),
  REDIS_SENTINEL_PASSWORD: Joi.string().allow(''),
  REDIS_CLUSTER_NODES: Joi.string().allow(''),
  REDIS_USERNAME: Joi.string().allow(''),
  REDIS_PASSWORD: Joi.string().allow(''),
  REDIS_TLS: flag().default(false),
  REDIS_DB: Joi.number().integer().min(0).max(15).default(0),
  REDIS_WAIT_REPLICAS: Joi.number().integer().min(0).max(10).default(0),
  REDIS_WAIT_TIMEOUT: duration.default(1_000),
  STORAGE_TYPE: Joi.string().valid('local', 's3').default('local'),
  LOCAL_STORAGE_PATH: Joi.string().default('./exports'),
  // Required with STORAGE_TYPE=s3 (checked in delivery-config.ts, with one clear message).
  S3_BUCKET: Joi.string().allow(''),
  AWS_REGION: Joi.string().allow(''),
  S3_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow(''),
  S3_PATH_STYLE: flag().default(false),
  // Presigned download URLs are built for this address when the workers reach S3 by another one
  // (a private endpoint, or a compose service name the person's browser cannot resolve).
  S3_PUBLIC_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow(''),
  // Keys are <prefix><day>/<uuid>.<ext>; a lifecycle rule on the prefix expires them (docs/delivery.md).
  S3_PREFIX: Joi.string()
    .allow('')
    .pattern(/^([A-Za-z0-9][A-Za-z0-9._-]*\/)*$/, 'folder names ending in /')
    .default('exports/'),
  // S3's smallest part is 5 MiB (but the last); memory is about part size × (concurrency + 1).
  S3_PART_SIZE: Joi.number()
    .integer()
    .min(5 * 1024 ** 2)
    .max(512 * 1024 ** 2)
    .default(8 * 1024 ** 2),
  // Two keep the S3 worker within the 200 MB a worker holds (each more adds S3_PART_SIZE): a CSV
  // export through the service peaked at 194–206 MB with 4, 171–185 MB with 2, in the same time
  // against s3rver (2026-12-02). Raise it for a long, fast link to the store.
  S3_UPLOAD_CONCURRENCY: Joi.number().integer().min(1).max(16).default(2),
  S3_SSE: Joi.string().valid('', 'AES256', 'aws:kms').default(''),
  S3_SSE_KMS_KEY_ID: Joi.string().allow(''),
  SMTP_HOST: Joi.string().hostname().allow(''),
  SMTP_PORT: Joi.number().port().default(587),
  // true: TLS from the first byte (port 465); false: STARTTLS when the server offers it.
  SMTP_SECURE: flag().default(false),
  SMTP_USER: Joi.string().allow(''),
  SMTP_PASS: Joi.string().allow(''),
  SMTP_FROM: Joi.string()
    .email({ tlds: { allow: false } })
    .default('exports@fluxquery.local'),
  // The whole encoded message (base64 makes a file about 1.37x larger) must fit under it.
  EMAIL_MAX_ATTACHMENT_BYTES: Joi.number().integer().min(1024).default(25_000_000),
  // Signs download links; never a client key's secret, so no client can mint links.
  DOWNLOAD_LINK_SECRET: Joi.string().when('APP_ENV', {
    is: 'production',
    then: Joi.string().min(32).required(),
    otherwise: Joi.string().min(16).default(DEVELOPMENT_SECRETS.DOWNLOAD_LINK_SECRET),
  }),
  // Seals every job the api and the workers enqueue; both must have the same one.
  JOB_SEAL_SECRET: Joi.string().when('APP_ENV', {
    is: 'production',
    then: Joi.string().min(32).required(),
    otherwise: Joi.string().min(16).default(DEVELOPMENT_SECRETS.JOB_SEAL_SECRET),
  }),
  DOWNLOAD_LINK_TTL: duration.default(7 * 24 * 3_600_000),
  // Links in emails and statuses are absolute: the address clients reach the api at.
  PUBLIC_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .empty('')
    .when('APP_ENV', { is: 'production', then: Joi.required() }),
  FILE_RETENTION: duration.empty(''),
  // The secret of the `default` key, which v1 requests without X-Key-Id use. Production needs it,
  // or CLIENT_KEYS / CLIENT_KEYS_FILE with at least one key.
  API_SECRET: Joi.string().when('APP_ENV', {
    is: 'production',
    then: Joi.string().min(16),
    otherwise: Joi.string().min(1).default(DEVELOPMENT_SECRETS.API_SECRET),
  }),
  CLIENT_KEYS: Joi.string().allow(''),
  CLIENT_KEYS_FILE: Joi.string().allow(''),
  MAX_EXPORT_ROWS: Joi.number().integer().min(1).default(10_000_000),
  MAX_EXPORT_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(10 * 1024 ** 3),
  EXPORTS_PER_MINUTE: Joi.number().integer().min(1).default(30),
  REQUESTS_PER_MINUTE: Joi.number().integer().min(1).default(600),
  // Fairness: a key's exports running at once, across all workers, for keys that set none.
  MAX_CONCURRENT_EXPORTS_PER_KEY: Joi.number().integer().min(1).max(1000).default(2),
  // For the admin tools only (seeding, creating the reader account); the services never use it.
  ADMIN_MYSQL_DSN: dsn.allow(''),
  // Each key reads through its own database role (fluxquery db reader makes them); off: the
  // account's own privileges, for servers without roles (MySQL 5.7).
  MYSQL_KEY_ROLES: flag().default(true),
  COMPRESSION: flag().default(false),
  EMAIL_ATTACH_FILE: flag().default(true),
  WORKER_COUNT: Joi.number().integer().min(1).max(64).default(2),
  MAX_DB_CONCURRENCY: Joi.number().integer().min(1).max(1000).default(4),
  DEFAULT_TIMEOUT: duration.default(600_000),
  MAX_BODY_BYTES: Joi.number().integer().min(1024).max(10_485_760).default(65_536),
  JOB_RETENTION: duration.default(7 * 24 * 3_600_000),
  // BullMQ's key prefix: deployments (or test runs) that share one Redis keep apart by it.
  QUEUE_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9_.:-]{1,64}$/)
    .default('bull'),
  // On SIGTERM a worker finishes its running exports within this, then hands the rest back.
  WORKER_SHUTDOWN_GRACE: duration.default(5 * 60_000),
  // A job whose worker stops renewing its lock this long is taken over by another worker.
  WORKER_STALL_INTERVAL: duration.default(30_000),
  // Subscriptions (docs/subscriptions.md): the fastest schedule a key may set, how many it may
  // have, failed runs in a row that pause one, how late a missed tick may still run, and how
  // often the workers compare subscriptions with BullMQ's schedulers.
  SUBSCRIPTION_MIN_INTERVAL: duration
    .custom((value: number, helpers) =>
      value < 60_000 ? helpers.message({ custom: '"SUBSCRIPTION_MIN_INTERVAL" must be 1 minute or more' }) : value,
    )
    .default(5 * 60_000),
  SUBSCRIPTIONS_PER_KEY: Joi.number().integer().min(1).max(10_000).default(50),
  SUBSCRIPTION_MAX_FAILURES: Joi.number().integer().min(1).max(100).default(5),
  SUBSCRIPTION_MISFIRE_GRACE: duration.default(3_600_000),
  SUBSCRIPTION_RECONCILE_INTERVAL: duration.default(60_000),
  // …and at most this many finished jobs per queue, so Redis memory has a bound (docs/operations.md).
  JOB_RETENTION_COUNT: Joi.number().integer().min(100).default(50_000),
  DASHBOARD_USER: Joi.string().default('admin'),
  DASHBOARD_PASSWORD: Joi.string()
    .allow('')
    .when('APP_ENV', {
      is: 'production',
      then: Joi.string().min(12).allow(''),
      otherwise: Joi.any().default(DEVELOPMENT_SECRETS.DASHBOARD_PASSWORD),
    }),
  // read-only: look only; full: every Bull Board action, editing job data included.
  DASHBOARD_MODE: Joi.string().valid('read-only', 'full').default('read-only'),
  // In read-only mode: failed jobs (never completed ones) may be retried.
  DASHBOARD_RETRY_FAILED: flag().default(false),
  // A worker's /metrics, /healthz and /readyz; 0 turns the server off; a range: the first free port.
  METRICS_PORT: Joi.alternatives(
    Joi.number().port(),
    Joi.string().custom((value: string, helpers) => {
      const match = /^(\d{1,5})-(\d{1,5})$/.exec(value);
      const [first, last] = [Number(match?.[1]), Number(match?.[2])];
      if (!match || first < 1 || last > 65535 || first > last) {
        return helpers.message({ custom: 'METRICS_PORT must be a port, or a range such as 9464-9471' });
      }
      return value;
    }),
  ).default(9464),
  // Loopback outside containers (the image sets 0.0.0.0, for probes and Prometheus).
  METRICS_HOST: Joi.string().hostname().default('127.0.0.1'),
  LOG_LEVEL: Joi.string().valid('error', 'warn', 'info', 'debug').default('info'),
};

/** What each setting does, in docs/configuration.md (generated from this schema: pnpm docs:config). */
const DESCRIPTIONS: Record<keyof typeof settings, string> = {
  APP_ENV:
    '`production` demands real secrets and addresses; `development` allows loopback webhooks and has working defaults',
  SERVER_PORT: 'the port the api listens on',
  SERVER_HOST:
    'the address the api listens on; empty: every interface (with a development secret on anything but loopback, the api warns at start)',
  MYSQL_DSN:
    'the database exports read, as `user:pass@tcp(host:3306)/db` (the Go form) or `mysql://user:pass@host:3306/db`; a SELECT-only account (`fluxquery db reader`)',
  REDIS_URL:
    'one Redis node for queues, statuses, replay records and rate limits (`redis://` or `rediss://`, user, password and database in the URL); or set REDIS_SENTINELS or REDIS_CLUSTER_NODES instead',
  REDIS_SENTINELS:
    'Sentinel: the sentinels as `host:port,host:port,…`; the master they name is followed through failovers',
  REDIS_SENTINEL_NAME: 'Sentinel: the name of the master the sentinels monitor (required with REDIS_SENTINELS)',
  REDIS_SENTINEL_USERNAME: "Sentinel: the sentinels' own user, when they have ACLs",
  REDIS_SENTINEL_PASSWORD: "Sentinel: the sentinels' own password (`requirepass` in sentinel.conf), when they have one",
  REDIS_CLUSTER_NODES: 'Cluster: some of its nodes as `host:port,host:port,…`; the rest are learnt from them',
  REDIS_USERNAME: "Sentinel and Cluster: the data nodes' user (with REDIS_URL, put it in the URL)",
  REDIS_PASSWORD: "Sentinel and Cluster: the data nodes' password (with REDIS_URL, put it in the URL)",
  REDIS_TLS: 'Sentinel and Cluster: TLS to every node and sentinel (with REDIS_URL, use `rediss://`)',
  REDIS_DB: 'Sentinel: the database number (a cluster has only 0; with REDIS_URL, put it in the URL)',
  REDIS_WAIT_REPLICAS:
    'before answering 202, wait until this many replicas hold the new job (Redis `WAIT`), so that a failover cannot lose an accepted export; 0: answer at once (docs/operations.md, "Failover")',
  REDIS_WAIT_TIMEOUT:
    'how long POST /export waits for REDIS_WAIT_REPLICAS; fewer in time: 503, and a retry with the same Idempotency-Key gets the same job',
  STORAGE_TYPE: 'where files go: `local` (LOCAL_STORAGE_PATH) or `s3`',
  LOCAL_STORAGE_PATH: 'the folder for local files; the api and every worker need the same one',
  S3_BUCKET: 'the bucket (required with STORAGE_TYPE=s3)',
  AWS_REGION: "the bucket's region (required with STORAGE_TYPE=s3); credentials come from the SDK's default chain",
  S3_ENDPOINT: 'an S3-compatible endpoint (MinIO, …); empty: AWS',
  S3_PATH_STYLE: 'path-style addressing, as MinIO needs',
  S3_PUBLIC_ENDPOINT:
    'the endpoint presigned download URLs name, when browsers reach S3 by another address than the workers',
  S3_PREFIX: 'the key prefix (folders ending in `/`); a lifecycle rule on it expires files',
  S3_PART_SIZE: 'multipart part size in bytes (5 MiB to 512 MiB); memory is about part size × (concurrency + 1)',
  S3_UPLOAD_CONCURRENCY: 'parts uploaded at once per export; each adds S3_PART_SIZE of memory',
  S3_SSE: 'server-side encryption: empty, `AES256` or `aws:kms`',
  S3_SSE_KMS_KEY_ID: 'the KMS key with S3_SSE=aws:kms',
  SMTP_HOST: 'the mail server; empty: `.eml` files in development, no mail in production (status `disabled`)',
  SMTP_PORT: 'the mail server port',
  SMTP_SECURE: 'TLS from the first byte (port 465); false: STARTTLS when offered',
  SMTP_USER: 'SMTP login (with SMTP_PASS, or neither)',
  SMTP_PASS: 'SMTP password',
  SMTP_FROM: 'the sender address',
  EMAIL_ATTACH_FILE:
    'attach the file when the encoded message fits under EMAIL_MAX_ATTACHMENT_BYTES; otherwise send a link',
  EMAIL_MAX_ATTACHMENT_BYTES: 'the largest whole encoded message (base64 makes a file about 1.37× larger)',
  DOWNLOAD_LINK_SECRET: "signs download links; 32+ characters in production, never a client key's secret",
  JOB_SEAL_SECRET: 'seals every queued job; the api and all workers need the same one',
  DOWNLOAD_LINK_TTL: 'how long download links work (capped by JOB_RETENTION and FILE_RETENTION)',
  PUBLIC_URL:
    'the address clients reach the api at; download links are built from it (default `http://127.0.0.1:<SERVER_PORT>`)',
  FILE_RETENTION:
    'local files older than this are removed by the workers (default: JOB_RETENTION; S3: a lifecycle rule)',
  API_SECRET: "the secret of the `default` key, which v1 requests (the Go service's clients) use",
  CLIENT_KEYS:
    'more client keys as JSON: secrets, schemas, recipient domains, callback hosts, limits (docs/security.md)',
  CLIENT_KEYS_FILE: 'the same JSON in a file (not both)',
  MAX_EXPORT_ROWS: 'rows per export, for a key that sets no max_rows',
  MAX_EXPORT_BYTES: 'stored bytes per export (after compression), for a key that sets no max_bytes',
  EXPORTS_PER_MINUTE: 'POST /export per key per minute, for a key that sets none (429 with Retry-After)',
  REQUESTS_PER_MINUTE: 'signed requests per key per minute (status polls included), for a key that sets none',
  MAX_CONCURRENT_EXPORTS_PER_KEY:
    "a key's exports running at once across all workers, for a key that sets no max_concurrent_exports",
  ADMIN_MYSQL_DSN: 'tools only (`fluxquery db seed`, `db reader`): an account that may create databases and users',
  MYSQL_KEY_ROLES:
    "each export reads with its key's own database role (`fluxquery db reader` makes one per key, and the MYSQL_DSN account holds no table privileges); `false`: with the account's own privileges, the SQL guard the only schema check (servers without roles, or the development default `root`, which holds no key roles)",
  COMPRESSION: 'gzip exports whose request does not say',
  WORKER_COUNT: 'exports one worker process runs at once',
  MAX_DB_CONCURRENCY: 'exports running at once across all workers (BullMQ global concurrency)',
  DEFAULT_TIMEOUT: 'time limit for a whole export, for a key that sets none (seconds, or 90s, 5m, 1h30m)',
  MAX_BODY_BYTES: 'the largest request body (413 beyond)',
  JOB_RETENTION: 'how long finished jobs, their statuses and idempotency keys are kept',
  JOB_RETENTION_COUNT: 'at most this many finished jobs per queue are kept, whatever their age',
  QUEUE_PREFIX: "BullMQ's key prefix: deployments sharing one Redis keep apart by it",
  WORKER_SHUTDOWN_GRACE: 'on SIGTERM a worker finishes running exports within this, then hands the rest back',
  WORKER_STALL_INTERVAL: 'a job whose worker stops renewing its lock this long is taken over by another worker',
  SUBSCRIPTION_MIN_INTERVAL:
    'the shortest time a subscription may leave between two ticks (1 minute at least); a schedule that fires more often is refused with 400',
  SUBSCRIPTIONS_PER_KEY: 'subscriptions one client key may have (409 beyond)',
  SUBSCRIPTION_MAX_FAILURES: 'failed runs in a row after which a subscription pauses itself and tells its owner',
  SUBSCRIPTION_MISFIRE_GRACE:
    'how late a tick that everything was down for may still run once on return (misfire `run_once`); later ones are recorded as missed',
  SUBSCRIPTION_RECONCILE_INTERVAL:
    "how often each worker compares the subscriptions with BullMQ's job schedulers and repairs any difference",
  DASHBOARD_USER: 'Bull Board user',
  DASHBOARD_PASSWORD: 'Bull Board password (12+ characters in production); empty: no dashboard',
  DASHBOARD_MODE:
    '`read-only` (look only: the board shows no actions) or `full` (every Bull Board action, editing job data and re-running completed jobs included)',
  DASHBOARD_RETRY_FAILED: 'in read-only mode, allow retrying failed jobs (one or all); completed jobs never run again',
  METRICS_PORT:
    "a worker's /metrics, /healthz and /readyz; 0 turns them off; a range (`9464-9471`): the first free port in it, for several workers on one host network",
  METRICS_HOST:
    "the address a worker's metrics and probes listen on: loopback by default, 0.0.0.0 in the image (docs/operations.md says what /metrics shows)",
  LOG_LEVEL: '`error`, `warn`, `info` or `debug`',
};

/** The environment, each variable with its rule, default and description. */
export const envSchema = Joi.object(
  Object.fromEntries(
    Object.entries(settings).map(([name, schema]) => [
      name,
      (schema as Joi.Schema).description(DESCRIPTIONS[name as keyof typeof settings]),
    ]),
  ),
)
  // The environment holds much more than our variables (PATH, HOME, ...): those are not ours to judge.
  .unknown(true);
