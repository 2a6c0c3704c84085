import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from './config-schema';
import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('gives a working development configuration from an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      appEnv: 'development',
      serverPort: 8080,
      apiSecret: 'devsecret',
      compression: false,
      redisUrl: 'redis://127.0.0.1:6379',
      defaultTimeoutMs: 600_000,
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
      defaultTimeoutMs: 5_400_000,
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
