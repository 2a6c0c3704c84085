import { ConfigError, loadConfig } from './load-config';

/** The problems loadConfig reports for `env`, one string each. */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Redis topologies', () => {
  it('is one local node by default, and REDIS_URL as given', () => {
    expect(loadConfig({}).redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect(loadConfig({ REDIS_URL: 'rediss://u:p@cache.internal:6380/2' }).redis).toEqual({
      kind: 'single',
      url: 'rediss://u:p@cache.internal:6380/2',
    });
  });

  it('reads Sentinel: the sentinels, the master name, both passwords, TLS and the database', () => {
    const config = loadConfig({
      REDIS_SENTINELS: '10.0.0.1:26379, sentinel-2.internal:26380,[::1]:26381',
      REDIS_SENTINEL_NAME: 'fluxquery',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_USERNAME: 'fq',
      REDIS_PASSWORD: 'data-secret',
      REDIS_TLS: 'true',
      REDIS_DB: '3',
    });
    expect(config.redis).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-2.internal', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'fluxquery',
      auth: { username: 'fq', password: 'data-secret' },
      sentinelAuth: { username: undefined, password: 'sentinel-secret' },
      tls: true,
      db: 3,
    });
  });

  it('reads Cluster: some of its nodes, a password and TLS', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001,127.0.0.1:7002', REDIS_PASSWORD: 'x' });
    expect(config.redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7001 },
        { host: '127.0.0.1', port: 7002 },
      ],
      auth: { username: undefined, password: 'x' },
      tls: false,
    });
  });

  it('refuses two topologies at once, naming both', () => {
    expect(problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:7000' })).toContain(
      'set one Redis topology, not REDIS_URL and REDIS_CLUSTER_NODES (docs/operations.md, "Redis")',
    );
    expect(
      problemsOf({ REDIS_SENTINELS: 'a:26379', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'b:7000' }),
    ).toContain('set one Redis topology, not REDIS_SENTINELS and REDIS_CLUSTER_NODES (docs/operations.md, "Redis")');
  });

  it('refuses a Sentinel group without its master name, and a name without sentinels', () => {
    expect(problemsOf({ REDIS_SENTINELS: 'a:26379' })).toEqual([
      '"REDIS_SENTINEL_NAME" is required with REDIS_SENTINELS: the master\'s name',
    ]);
    expect(problemsOf({ REDIS_SENTINEL_NAME: 'm' })).toEqual([
      '"REDIS_SENTINEL_NAME" needs REDIS_SENTINELS: the sentinels to ask',
    ]);
  });

  it('refuses an address that is not host:port, and a database other than 0 on a cluster', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: '127.0.0.1:7001,127.0.0.1', REDIS_DB: '1' })).toEqual([
      '"REDIS_DB" must be 0 with REDIS_CLUSTER_NODES: a cluster has one database',
      '"REDIS_CLUSTER_NODES" must list host:port pairs separated by commas; "127.0.0.1" is not one',
    ]);
    expect(problemsOf({ REDIS_SENTINELS: 'a:99999', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      '"REDIS_SENTINELS" must list host:port pairs separated by commas; "a:99999" is not one',
    ]);
  });

  it('refuses the Sentinel and Cluster credentials beside REDIS_URL, which carries its own', () => {
    expect(problemsOf({ REDIS_PASSWORD: 'x' })).toEqual([
      'with REDIS_URL, put the user, password and database in the URL and use rediss:// for TLS (REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS and REDIS_DB are for Sentinel and Cluster)',
    ]);
  });
});
