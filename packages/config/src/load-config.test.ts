import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { envSchema } from './config-schema';
import { renderSettingsDoc } from './settings-doc';
import { ConfigError, loadConfig } from './load-config';
import { DEVELOPMENT_SECRETS, findDevelopmentSecrets, findExposedDevelopmentSecrets } from './development-defaults';

describe('loadConfig', () => {
  it('gives a working development configuration from an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      appEnv: 'development',
      serverPort: 8080,
      clients: [
        {
          keyId: 'default',
          secrets: ['devsecret'],
          allowedSchemas: ['fluxquery_demo'],
          limits: {
            maxRows: 10_000_000,
            maxBytes: 10 * 1024 ** 3,
            timeoutMs: 600_000,
            exportsPerMinute: 30,
            requestsPerMinute: 600,
            maxConcurrentExports: 2,
          },
        },
      ],
      compression: false,
      redis: { kind: 'single', url: 'redis://127.0.0.1:6379' },
      limits: expect.objectContaining({ timeoutMs: 600_000 }),
      mysql: { host: '127.0.0.1', port: 3306, user: 'root', database: 'fluxquery_demo' },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mysql)).toBe(true);
  });

  it('reads the names existing deployments use', () => {
    const config = loadConfig({
      SERVER_PORT: '9090',
      MYSQL_DSN: 'mysql://app:pw@db:3306/sales',
      COMPRESSION: 'true',
      EMAIL_ATTACH_FILE: '0',
      WORKER_COUNT: '8',
      DEFAULT_TIMEOUT: '1h30m',
      LOCAL_STORAGE_PATH: '/srv/exports',
    });
    expect(config).toMatchObject({
      serverPort: 9090,
      compression: true,
      email: { attachFile: false, maxMessageBytes: 25_000_000 },
      workerCount: 8,
      limits: expect.objectContaining({ timeoutMs: 5_400_000 }),
      storage: { kind: 'local', root: '/srv/exports' },
      mysql: { host: 'db', user: 'app', password: 'pw', database: 'sales' },
    });
  });

  it('reports every bad variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({ SERVER_PORT: 'eighty', MYSQL_DSN: 'nonsense', COMPRESSION: 'perhaps', DEFAULT_TIMEOUT: 'soon' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/SERVER_PORT/);
    expect(problems).toMatch(/MYSQL_DSN/);
    expect(problems).toMatch(/COMPRESSION/);
    expect(problems).toMatch(/DEFAULT_TIMEOUT/);
  });

  it('demands a real secret and DSN in production', () => {
    expect(() => loadConfig({ APP_ENV: 'production' })).toThrow(/API_SECRET[\s\S]*|MYSQL_DSN/);
    expect(() => loadConfig({ APP_ENV: 'production', MYSQL_DSN: 'u:p@tcp(h:3306)/d', API_SECRET: 'short' })).toThrow(
      /API_SECRET/,
    );
  });
});

describe('client keys', () => {
  const KEYS = JSON.stringify([
    {
      key_id: 'billing',
      secrets: ['billing-secret-0123456789', 'billing-next-0123456789'],
      allowed_schemas: ['sales', 'billing'],
      allowed_recipient_domains: ['Example.com'],
      allowed_callback_hosts: ['Hooks.example.com', '*.partner.test'],
      limits: { max_rows: 5000, timeout: '2m', exports_per_minute: 5, max_concurrent_exports: 3 },
    },
    { key_id: 'ops', secrets: ['ops-secret-0123456789'] },
  ]);

  it('reads keys from CLIENT_KEYS, fills what a key leaves out from the global settings, and keeps API_SECRET as "default"', () => {
    const config = loadConfig({ CLIENT_KEYS: KEYS, MAX_EXPORT_ROWS: '100', MYSQL_DSN: 'mysql://r:p@db/app' });
    expect(config.clients.map((c) => c.keyId)).toEqual(['billing', 'ops', 'default']);
    expect(config.clients[0]).toEqual({
      keyId: 'billing',
      secrets: ['billing-secret-0123456789', 'billing-next-0123456789'],
      allowedSchemas: ['sales', 'billing'],
      allowedRecipientDomains: ['example.com'],
      allowedCallbackHosts: ['hooks.example.com', '*.partner.test'],
      limits: {
        maxRows: 5000,
        maxBytes: 10 * 1024 ** 3,
        timeoutMs: 120_000,
        exportsPerMinute: 5,
        requestsPerMinute: 600,
        maxConcurrentExports: 3,
      },
    });
    expect(config.clients[1]).toMatchObject({
      allowedSchemas: ['app'],
      limits: { maxRows: 100, maxConcurrentExports: 2 },
    });
  });

  it('reads the same JSON from CLIENT_KEYS_FILE', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fq-keys-'));
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, KEYS);
    try {
      expect(loadConfig({ CLIENT_KEYS_FILE: file }).clients.map((c) => c.keyId)).toEqual(['billing', 'ops', 'default']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    [
      'a duplicate key id',
      JSON.stringify([
        { key_id: 'a', secrets: ['x'] },
        { key_id: 'a', secrets: ['y'] },
      ]),
      /duplicate/,
    ],
    ['a key without secrets', JSON.stringify([{ key_id: 'a', secrets: [] }]), /secrets/],
    ['an unknown field', JSON.stringify([{ key_id: 'a', secrets: ['x'], admin: true }]), /admin/],
    ['a key id with a space', JSON.stringify([{ key_id: 'a b', secrets: ['x'] }]), /key_id/],
    ['a bad timeout', JSON.stringify([{ key_id: 'a', secrets: ['x'], limits: { timeout: 'soon' } }]), /timeout/],
    ['"default" set twice', JSON.stringify([{ key_id: 'default', secrets: ['x'] }]), /set twice/],
  ])('refuses %s', (_case, keys, message) => {
    expect(() => loadConfig({ CLIENT_KEYS: keys })).toThrow(message);
  });

  it('demands 16-character secrets in production, and some key', () => {
    const production = {
      APP_ENV: 'production',
      MYSQL_DSN: 'u:p@tcp(h:3306)/d',
      DOWNLOAD_LINK_SECRET: 'x'.repeat(32),
      JOB_SEAL_SECRET: 'y'.repeat(32),
      PUBLIC_URL: 'https://exports.example.com',
    };
    expect(() =>
      loadConfig({ ...production, CLIENT_KEYS: JSON.stringify([{ key_id: 'a', secrets: ['short'] }]) }),
    ).toThrow(/16/);
    expect(() => loadConfig(production)).toThrow(/API_SECRET/);
    const keys = JSON.stringify([{ key_id: 'a', secrets: ['a-long-enough-secret'] }]);
    expect(loadConfig({ ...production, CLIENT_KEYS: keys }).clients.map((c) => c.keyId)).toEqual(['a']);
  });

  it('refuses to run production with a development default secret, and names each', () => {
    const production = {
      APP_ENV: 'production',
      MYSQL_DSN: 'u:p@tcp(h:3306)/d',
      PUBLIC_URL: 'https://exports.example.com',
      API_SECRET: 'a-long-enough-secret',
      DOWNLOAD_LINK_SECRET: 'x'.repeat(32),
      JOB_SEAL_SECRET: 'y'.repeat(32),
    };
    expect(() => loadConfig(production)).not.toThrow();
    // .env.example's values, which pass every length rule.
    expect(() => loadConfig({ ...production, JOB_SEAL_SECRET: DEVELOPMENT_SECRETS.JOB_SEAL_SECRET })).toThrow(
      /"JOB_SEAL_SECRET" holds a development default/,
    );
    expect(() => loadConfig({ ...production, DOWNLOAD_LINK_SECRET: DEVELOPMENT_SECRETS.DOWNLOAD_LINK_SECRET })).toThrow(
      /"DOWNLOAD_LINK_SECRET" holds a development default/,
    );
  });

  it('says when development secrets sit on an address others can reach', () => {
    const config = loadConfig({});
    expect(findDevelopmentSecrets(config)).toEqual([
      'API_SECRET (or a client key secret)',
      'DOWNLOAD_LINK_SECRET',
      'JOB_SEAL_SECRET',
      'DASHBOARD_PASSWORD',
    ]);
    expect(findExposedDevelopmentSecrets(config, ['127.0.0.1', 'localhost', '::1', '127.0.0.53'])).toBeUndefined();
    expect(findExposedDevelopmentSecrets(config, ['127.0.0.1', ''])).toMatchObject({ addresses: ['0.0.0.0'] });
    expect(findExposedDevelopmentSecrets(config, ['10.0.0.5'])).toMatchObject({ addresses: ['10.0.0.5'] });
    const own = loadConfig({
      API_SECRET: 'mine-0123456789',
      DOWNLOAD_LINK_SECRET: 'mine-links-0123456789',
      JOB_SEAL_SECRET: 'mine-seal-0123456789',
      DASHBOARD_PASSWORD: '',
    });
    expect(findExposedDevelopmentSecrets(own, ['0.0.0.0'])).toBeUndefined();
  });
});

describe('storage, mail and download links', () => {
  it('reads METRICS_PORT as one port or a range, and refuses a range backwards', () => {
    expect(loadConfig({})).toMatchObject({ metricsPort: 9464, metricsPortLast: 9464 });
    expect(loadConfig({ METRICS_PORT: '0' })).toMatchObject({ metricsPort: 0, metricsPortLast: 0 });
    expect(loadConfig({ METRICS_PORT: '19464-19473' })).toMatchObject({ metricsPort: 19464, metricsPortLast: 19473 });
    for (const bad of ['9473-9464', '9464-', 'ninety', '0-70000']) {
      expect(() => loadConfig({ METRICS_PORT: bad })).toThrow(/METRICS_PORT/);
    }
  });

  it('reads S3 under the names the old service used, with our additions', () => {
    const config = loadConfig({
      STORAGE_TYPE: 's3',
      S3_BUCKET: 'reports',
      AWS_REGION: 'eu-west-1',
      S3_ENDPOINT: 'http://minio:9000',
      S3_PATH_STYLE: 'true',
      S3_SSE: 'aws:kms',
      S3_SSE_KMS_KEY_ID: 'alias/exports',
    });
    expect(config.storage).toEqual({
      kind: 's3',
      bucket: 'reports',
      region: 'eu-west-1',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      prefix: 'exports/',
      partSizeBytes: 8 * 1024 * 1024,
      queueSize: 2,
      sse: { type: 'aws:kms', kmsKeyId: 'alias/exports' },
    });
  });

  it.each([
    ['S3 without a bucket', { STORAGE_TYPE: 's3' }, /S3_BUCKET/],
    ['a part below S3 minimum', { S3_PART_SIZE: '1048576' }, /S3_PART_SIZE/],
    ['a prefix that is not a folder', { S3_PREFIX: '../x' }, /S3_PREFIX/],
    ['a KMS key without aws:kms', { S3_SSE_KMS_KEY_ID: 'k' }, /S3_SSE=aws:kms/],
    [
      'the link secret reused as a client secret',
      { DOWNLOAD_LINK_SECRET: 'devsecret-devsecret', API_SECRET: 'devsecret-devsecret' },
      /DOWNLOAD_LINK_SECRET/,
    ],
    ['an SMTP user without a password', { SMTP_USER: 'u' }, /SMTP_PASS/],
    [
      'the seal secret reused',
      { JOB_SEAL_SECRET: 'devsecret-devsecret', API_SECRET: 'devsecret-devsecret' },
      /JOB_SEAL_SECRET/,
    ],
  ])('refuses %s', (_case, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('needs a link secret and a public URL in production', () => {
    const production = { APP_ENV: 'production', MYSQL_DSN: 'u:p@tcp(h:3306)/d', API_SECRET: 'a-long-enough-secret' };
    expect(() => loadConfig(production)).toThrow(/DOWNLOAD_LINK_SECRET[\s\S]*JOB_SEAL_SECRET[\s\S]*PUBLIC_URL/);
  });

  it('never lets a link outlive its job or its file', () => {
    const config = loadConfig({
      DOWNLOAD_LINK_TTL: '30d',
      JOB_RETENTION: '72h',
      FILE_RETENTION: '48h',
      SERVER_PORT: '9000',
    });
    expect(config.downloadLinks).toMatchObject({ ttlMs: 48 * 3_600_000, publicUrl: 'http://127.0.0.1:9000' });
    expect(config.fileRetentionMs).toBe(48 * 3_600_000);
    expect(loadConfig({}).fileRetentionMs).toBe(7 * 24 * 3_600_000);
  });
});

describe('.env.example', () => {
  it('lists every variable the schema knows, with values that load', () => {
    const text = readFileSync(path.join(__dirname, '../../../.env.example'), 'utf8');
    const env = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(() => loadConfig(env)).not.toThrow();
    const known = Object.keys(envSchema.describe().keys as Record<string, unknown>);
    expect(Object.keys(env).sort()).toEqual(known.sort());
  });
});

describe('docs/configuration.md', () => {
  it('is what the schema says today (run pnpm docs:config after changing a setting)', () => {
    const text = readFileSync(path.join(__dirname, '../../../docs/configuration.md'), 'utf8');
    expect(text).toBe(renderSettingsDoc());
  });
});
