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
