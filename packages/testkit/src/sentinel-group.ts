import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './own-redis';
import { stopProcesses } from './stop-processes';
import { makeTestCertificates, redisClientOptions, redisServerArgs, type RedisSecurity } from './test-certificates';
import { waitFor, waitForChange } from './wait-for';

/**
 * A Sentinel group of the test's own, from the installed redis-server: one master, two replicas
 * and three sentinels (quorum 2), each on a free port with its files in a temporary folder; with
 * TLS everywhere (clients, replication, the sentinels' own ports) and passwords when asked: one for
 * the data nodes, one for the sentinels.
 */
export interface SentinelGroup {
  /** REDIS_SENTINELS: `127.0.0.1:<port>,…`. */
  sentinels: string;
  /** REDIS_SENTINEL_NAME. */
  name: string;
  /** The CA of a TLS group: NODE_EXTRA_CA_CERTS for the processes that connect. */
  caFile?: string;
  /** The address the sentinels name as master now. */
  master(): Promise<string>;
  /** `SENTINEL FAILOVER`: the replica becomes master; resolves once the sentinels say so. */
  failover(): Promise<{ from: string; to: string }>;
  close(): Promise<void>;
}

const NAME = 'fluxquery';

export interface SentinelGroupOptions {
  tls?: boolean;
  /** The data nodes' `requirepass`. */
  password?: string;
  /** The sentinels' own `requirepass`. */
  sentinelPassword?: string;
}

export async function startSentinelGroup(options: SentinelGroupOptions = {}): Promise<SentinelGroup> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fq-sentinel-'));
  const tls = options.tls ? await makeTestCertificates(dir) : undefined;
  const nodes: RedisSecurity = { ...(tls ? { tls } : {}), ...(options.password ? { password: options.password } : {}) };
  const sentinels: RedisSecurity = {
    ...(tls ? { tls } : {}),
    ...(options.sentinelPassword ? { password: options.sentinelPassword } : {}),
  };
  const masterPort = await freePort();
  const sentinelPorts = [await freePort(), await freePort(), await freePort()];
  const children = [
    ...(await spawnDataNodes(dir, masterPort, nodes)),
    ...(await spawnSentinels(dir, masterPort, sentinelPorts, { nodes, sentinels })),
  ];
  const sentinel = new Redis({
    port: sentinelPorts[0],
    ...redisClientOptions(sentinels),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
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
    ...(tls ? { caFile: tls.caFile } : {}),
    master,
    async failover() {
      const from = await master();
      await waitFor(replicaReady, 30_000, 200);
      await sentinel.call('SENTINEL', 'failover', NAME);
      const to = await waitForChange(master, from, 30_000);
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
async function spawnDataNodes(dir: string, masterPort: number, security: RedisSecurity): Promise<ChildProcess[]> {
  const replicaPorts = [await freePort(), await freePort()];
  const node = (port: number, extra: string[]) =>
    spawn(
      'redis-server',
      // Syncs start at once, not after the default 5 s that lets more replicas join one sync.
      [
        ...redisServerArgs(port, security),
        ...['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'],
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

/**
 * Three sentinels watching the master, quorum 2; each rewrites its own file, as Sentinel does. They
 * speak TLS to the data nodes and to each other (`tls-replication`) when their own port is TLS.
 */
async function spawnSentinels(
  dir: string,
  masterPort: number,
  ports: number[],
  security: { nodes: RedisSecurity; sentinels: RedisSecurity },
): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  const { tls, password } = security.sentinels;
  for (const port of ports) {
    const file = path.join(dir, `sentinel-${port}.conf`);
    const lines = [
      ...(tls ? [`port 0`, `tls-port ${port}`, 'tls-replication yes', 'tls-auth-clients no'] : [`port ${port}`]),
      ...(tls
        ? [`tls-cert-file ${tls.certFile}`, `tls-key-file ${tls.keyFile}`, `tls-ca-cert-file ${tls.caFile}`]
        : []),
      ...(password ? [`requirepass ${password}`] : []),
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${NAME} 127.0.0.1 ${masterPort} 2`,
      ...(security.nodes.password ? [`sentinel auth-pass ${NAME} ${security.nodes.password}`] : []),
      `sentinel down-after-milliseconds ${NAME} 2000`,
      `sentinel failover-timeout ${NAME} 10000`,
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    children.push(spawn('redis-server', [file, '--sentinel'], { stdio: 'ignore' }));
  }
  return children;
}
