import type { MysqlConnectionOptions } from '@fluxquery/mysql-source';
/** Where and how to reach MySQL, whichever DSN form it was written in. */

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 3306;

/**
 * Parses `mysql://user:pass@host:3306/db?…` and the Go driver's
 * `user:pass@tcp(host:3306)/db?parseTime=true`, which existing deployments use.
 * Throws an Error whose message never contains the password.
 */
export function parseMysqlDsn(dsn: string): MysqlConnectionOptions {
  const trimmed = dsn.trim();
  if (/^(mysql|mariadb):\/\//i.test(trimmed)) return parseUrlDsn(trimmed);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new Error('must use the mysql:// scheme or the Go form user:pass@tcp(host:3306)/db');
  }
  return parseGoDsn(trimmed);
}

function parseUrlDsn(dsn: string): MysqlConnectionOptions {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new Error('is not a valid mysql:// URL');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error('names no database (mysql://user:pass@host:3306/DATABASE)');
  return withTls(
    {
      host: url.hostname.replace(/^\[|\]$/g, '') || DEFAULT_HOST,
      port: parsePort(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database,
    },
    url.searchParams.get('ssl') ?? url.searchParams.get('tls'),
  );
}

// Go form: [user[:password]@][net[(addr)]]/dbname[?param1=value1&paramN=valueN]
function parseGoDsn(dsn: string): MysqlConnectionOptions {
  const slash = dsn.lastIndexOf('/');
  if (slash < 0) throw new Error('is neither a mysql:// URL nor the Go form user:pass@tcp(host:3306)/db');
  const head = dsn.slice(0, slash);
  const [databasePart = '', query = ''] = splitOnce(dsn.slice(slash + 1), '?');
  const database = decodeURIComponent(databasePart);
  if (!database) throw new Error('names no database (user:pass@tcp(host:3306)/DATABASE)');

  // The password may itself contain '@', so the address starts after the last one.
  const at = head.lastIndexOf('@');
  const userInfo = at < 0 ? '' : head.slice(0, at);
  const address = at < 0 ? head : head.slice(at + 1);
  const [user = '', password = ''] = splitOnce(userInfo, ':');
  const base = { user, password, database, ...parseGoAddress(address) };
  return withTls(base, new URLSearchParams(query).get('tls'));
}

function parseGoAddress(address: string): Pick<MysqlConnectionOptions, 'host' | 'port' | 'socketPath'> {
  if (address === '' || address === 'tcp') return { host: DEFAULT_HOST, port: DEFAULT_PORT };
  const match = /^(tcp|unix)\((.*)\)$/.exec(address);
  if (!match) throw new Error(`has an address part that is not tcp(host:port) or unix(/path)`);
  const [, net, addr = ''] = match;
  if (net === 'unix') return { host: DEFAULT_HOST, port: DEFAULT_PORT, socketPath: addr };
  const ipv6 = /^\[(.+)\](?::(\d+))?$/.exec(addr);
  if (ipv6) return { host: ipv6[1] ?? DEFAULT_HOST, port: parsePort(ipv6[2] ?? '') };
  const [host = '', port = ''] = splitOnce(addr, ':');
  return { host: host || DEFAULT_HOST, port: parsePort(port) };
}

function parsePort(text: string): number {
  if (text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`has an invalid port "${text}"`);
  return port;
}

function withTls(config: MysqlConnectionOptions, tls: string | null): MysqlConnectionOptions {
  if (tls === null || tls === 'false') return config;
  if (tls === 'true') return { ...config, tls: { rejectUnauthorized: true } };
  if (tls === 'skip-verify') return { ...config, tls: { rejectUnauthorized: false } };
  throw new Error(`has an unsupported tls value "${tls}" (true, false or skip-verify)`);
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, ''] : [text.slice(0, index), text.slice(index + 1)];
}

/** For logs: the DSN's location without its credentials. */
export function describeMysql(config: MysqlConnectionOptions): string {
  const where = config.socketPath ?? `${config.host}:${config.port}`;
  return `${config.user}@${where}/${config.database}`;
}
