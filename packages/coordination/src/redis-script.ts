import type { RedisClient } from './redis-connection';

export type Script = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script sent by its SHA1 (EVALSHA, with ioredis falling back to EVAL once per connection).
 * Every script of the service is written beside the keys it touches, in this package.
 */
export function defineScript(redis: RedisClient, name: string, numberOfKeys: number, lua: string): Script {
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, Script>)[name]!;
  return (...keysThenArgs) => command.apply(redis, keysThenArgs);
}
