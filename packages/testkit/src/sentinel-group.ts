import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './own-redis';
import { stopProcesses } from './stop-processes';
import { waitFor } from './wait-for';

/**
 * A Sentinel group of the test's own, from the installed redis-server: one master, two replicas
 * and three sentinels (quorum 2), each on a free port with its files in a temporary folder.
 */
export interface SentinelGroup {
  /** REDIS_SENTINELS: `127.0.0.1:<port>,…`. */
  sentinels: string;
  /** REDIS_SENTINEL_NAME. */
  name: string;
  /** The address the sentinels name as master now. */
  master(): Promise<string>;
  /** `SENTINEL FAILOVER`: the replica becomes master; resolves once the sentinels say so. */
  failover(): Promise<{ from: string; to: string }>;
  close(): Promise<void>;
}

const NAME = 'fluxquery';

export async function startSentinelGroup(): Promise<SentinelGroup> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fq-sentinel-'));
  const masterPort = await freePort();
  const sentinelPorts = [await freePort(), await freePort(), await freePort()];
  const children = [
    ...(await spawnDataNodes(dir, masterPort)),
    ...(await spawnSentinels(dir, masterPort, sentinelPorts)),
  ];
  const sentinel = new Redis({ port: sentinelPorts[0], lazyConnect: true, maxRetriesPerRequest: 1 });
  sentinel.on('error', () => undefined);
  const master = async (): Promise<string> => {
    const [host, port] = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', NAME)) as [string, string];
    return `${host}:${port}`;
  };
  // A failover needs a replica the sentinels know (they learn it from the master's INFO) and that
  // holds the master's data: one promoted before its first sync completes starts empty.
  const replicaReady = async () => {
    const replicas = (await sentinel.call('SENTINEL', 'replicas', NAME).catch(() => [])) as string[][];
    const field = (fields: string[], name: string) => fields[fields.indexOf(name) + 1];
    const ready = replicas.filter(
      (fields) => field(fields, 'flags') === 'slave' && field(fields, 'master-link-status') === 'ok',
    );
    return ready.length >= 2 ? true : undefined;
  };
  await waitFor(replicaReady, 30_000, 200);
  return {
    sentinels: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
    name: NAME,
    master,
    async failover() {
      const from = await master();
      await waitFor(replicaReady, 30_000, 200);
      await sentinel.call('SENTINEL', 'failover', NAME);
      const to = await waitFor(async () => {
        const now = await master();
        return now !== from ? now : undefined;
      }, 30_000);
      return { from, to };
    },
    async close() {
      sentinel.disconnect();
      await stopProcesses(children);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The master and two replicas, each with an append-only file. Two, so that the master a failover
 * makes has a replica at once (the other one, which the sentinels point at it); the old master
 * rejoins only when the sentinels next look at it (up to 10 s), or when it comes back from a crash.
 */
async function spawnDataNodes(dir: string, masterPort: number): Promise<ChildProcess[]> {
  const replicaPorts = [await freePort(), await freePort()];
  const node = (port: number, extra: string[]) =>
    spawn(
      'redis-server',
      // Syncs start at once, not after the default 5 s that lets more replicas join one sync.
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'],
        ...['--repl-diskless-sync-delay', '0', ...extra],
      ],
      { stdio: 'ignore' },
    );
  return [
    node(masterPort, ['--appendfilename', `m${masterPort}.aof`]),
    ...replicaPorts.map((port) =>
      node(port, ['--appendfilename', `r${port}.aof`, '--replicaof', '127.0.0.1', String(masterPort)]),
    ),
  ];
}

/** Three sentinels watching the master, quorum 2; each rewrites its own file, as Sentinel does. */
async function spawnSentinels(dir: string, masterPort: number, ports: number[]): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  for (const port of ports) {
    const file = path.join(dir, `sentinel-${port}.conf`);
    const lines = [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${NAME} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${NAME} 2000`,
      `sentinel failover-timeout ${NAME} 10000`,
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    children.push(spawn('redis-server', [file, '--sentinel'], { stdio: 'ignore' }));
  }
  return children;
}
