import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { envSchema } from './config-schema';
import { ConfigError, loadConfig } from './load-config';

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
          },
        },
      ],
      compression: false,
      redisUrl: 'redis://127.0.0.1:6379',
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
      emailAttachFile: false,
      workerCount: 8,
      limits: expect.objectContaining({ timeoutMs: 5_400_000 }),
      storage: { type: 'local', localPath: '/srv/exports' },
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
      limits: { max_rows: 5000, timeout: '2m', exports_per_minute: 5 },
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
      limits: {
        maxRows: 5000,
        maxBytes: 10 * 1024 ** 3,
        timeoutMs: 120_000,
        exportsPerMinute: 5,
        requestsPerMinute: 600,
      },
    });
    expect(config.clients[1]).toMatchObject({ allowedSchemas: ['app'], limits: { maxRows: 100 } });
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
    const production = { APP_ENV: 'production', MYSQL_DSN: 'u:p@tcp(h:3306)/d' };
    expect(() =>
      loadConfig({ ...production, CLIENT_KEYS: JSON.stringify([{ key_id: 'a', secrets: ['short'] }]) }),
    ).toThrow(/16/);
    expect(() => loadConfig(production)).toThrow(/API_SECRET/);
    const keys = JSON.stringify([{ key_id: 'a', secrets: ['a-long-enough-secret'] }]);
    expect(loadConfig({ ...production, CLIENT_KEYS: keys }).clients.map((c) => c.keyId)).toEqual(['a']);
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
