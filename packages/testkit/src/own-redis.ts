import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { waitFor } from './wait-for';

/**
 * A Redis server of the test's own, which it may stop and start again: on a free port, with an
 * append-only file in a temporary folder, as docs/operations.md recommends, so that what was
 * written before a stop is there after the start.
 */
export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  /** A clean shutdown (SIGTERM): the append-only file is flushed. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function createOwnRedis(): Promise<OwnRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fq-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server: OwnRedis = {
    url,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
      child = spawn('redis-server', [...args, '--appendonly', 'yes', '--appendfsync', 'everysec'], {
        stdio: 'ignore',
      });
      await waitUntilRedisAnswers({ port });
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Whether `port` on 127.0.0.1 can be listened on now. */
export async function isFree(port: number): Promise<boolean> {
  const probe = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise((resolve) => probe.close(resolve));
  return listening;
}

/**
 * Waits until a Redis server of a test's own answers PING on 127.0.0.1 (`options`: its port, and
 * its password and TLS when it has them), each try on a connection of its own that gives up at once.
 */
export async function waitUntilRedisAnswers(options: RedisOptions, timeoutMs = 10_000): Promise<void> {
  const answers = async (): Promise<true | undefined> => {
    const client = new Redis({
      host: '127.0.0.1',
      ...options,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG' ? true : undefined;
    } catch {
      return undefined;
    } finally {
      client.disconnect();
    }
  };
  await waitFor(answers, timeoutMs, 100);
}
