import type { ConnectionOptions } from 'mysql2';

export interface MysqlConnectionOptions {
  host: string;
  port: number;
  socketPath?: string;
  user: string;
  password: string;
  database: string;
  tls?: { rejectUnauthorized: boolean };
}

/** Our connection options as mysql2 takes them (`tls` is its `ssl`). */
export function serverOptions(
  options: Omit<MysqlConnectionOptions, 'database'> & { database?: string },
): ConnectionOptions {
  const { tls, ...rest } = options;
  return tls ? { ...rest, ssl: tls } : rest;
}

/** The options without a database: the export account may use one only once its key's role is set. */
export function withoutDatabase<T extends { database?: string }>(options: T): Omit<T, 'database'> {
  const { database: _database, ...rest } = options;
  return rest;
}
