import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, isFree, waitUntilRedisAnswers } from './own-redis';
import { stopProcesses } from './stop-processes';
import { makeTestCertificates, redisClientOptions, redisServerArgs, type RedisSecurity } from './test-certificates';
import { waitFor, waitForChange } from './wait-for';

/**
 * A Redis Cluster of the test's own: three masters and a replica each, on free ports; with TLS
 * (clients, replication and the cluster bus) and a password when asked.
 */
export interface OwnCluster {
  /** REDIS_CLUSTER_NODES: the three first nodes. */
  nodes: string;
  /** The CA of a TLS cluster: NODE_EXTRA_CA_CERTS for the processes that connect. */
  caFile?: string;
  /**
   * `CLUSTER FAILOVER` on the replica of the master that holds `key`: a coordinated switch (the
   * master stops taking writes until its replica has caught up). Resolves once the replica is master.
   */
  failover(key: string): Promise<{ from: string; to: string }>;
  close(): Promise<void>;
}

const run = promisify(execFile);

export async function startOwnCluster(options: { tls?: boolean; password?: string } = {}): Promise<OwnCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fq-cluster-'));
  const security: RedisSecurity = {
    ...(options.tls ? { tls: await makeTestCertificates(dir) } : {}),
    ...(options.password ? { password: options.password } : {}),
  };
  const ports = await clusterNodePorts(6);
  const children = ports.map((port) => spawnClusterNode(dir, port, security));
  const client = (port: number) =>
    new Redis({ port, ...redisClientOptions(security), lazyConnect: true, maxRetriesPerRequest: 1 });
  await Promise.all(ports.map((port) => waitUntilRedisAnswers({ port, ...redisClientOptions(security) }, 15_000)));
  const addresses = ports.map((port) => `127.0.0.1:${port}`);
  await createCluster(addresses, security);
  const first = client(ports[0]!);
  await waitFor(async () => ((await first.cluster('INFO')).includes('cluster_state:ok') ? true : undefined), 20_000);
  return {
    nodes: addresses.slice(0, 3).join(','),
    ...(security.tls ? { caFile: security.tls.caFile } : {}),
    async failover(key) {
      const slot = Number(await first.cluster('KEYSLOT', key));
      const owner = async (): Promise<string> => {
        const ranges = await first.cluster('SLOTS');
        const range = ranges.find(([start, end]) => slot >= start && slot <= end);
        return `${range?.[2]?.[0]}:${range?.[2]?.[1]}`;
      };
      const from = await owner();
      const nodes = String(await first.cluster('NODES')).split('\n');
      const masterId = nodes.find((line) => line.split(' ')[1]?.startsWith(`${from}@`))?.split(' ')[0];
      const replicaLine = nodes.find((line) => line.split(' ')[3] === masterId);
      const replicaPort = Number(replicaLine?.split(' ')[1]?.split(':')[1]?.split('@')[0]);
      const replica = client(replicaPort);
      await replica.cluster('FAILOVER');
      replica.disconnect();
      const to = await waitForChange(owner, from, 30_000);
      return { from, to };
    },
    async close() {
      first.disconnect();
      await stopProcesses(children);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Free ports for cluster nodes whose bus ports (each port + 10000) are free too and collide with no
 * other node's port: a node whose bus port another node holds never starts.
 */
async function clusterNodePorts(count: number): Promise<number[]> {
  const taken = new Set<number>();
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    const bus = port + 10_000;
    if (bus > 65_535 || [port, bus].some((p) => taken.has(p)) || !(await isFree(bus))) continue;
    ports.push(port);
    taken.add(port).add(bus);
  }
  return ports;
}

/** One cluster node with an append-only file; syncs start at once (no diskless delay). */
function spawnClusterNode(dir: string, port: number, security: RedisSecurity): ChildProcess {
  return spawn(
    'redis-server',
    [
      ...redisServerArgs(port, security),
      ...['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'],
      ...['--appendfilename', `${port}.aof`, '--cluster-enabled', 'yes', '--cluster-config-file', `${port}.conf`],
      ...['--cluster-node-timeout', '3000', '--repl-diskless-sync-delay', '0'],
    ],
    { stdio: 'ignore' },
  );
}

/** `redis-cli --cluster create`: three masters and a replica each, over TLS and with the password when set. */
async function createCluster(addresses: string[], security: RedisSecurity): Promise<void> {
  const cliSecurity = [
    ...(security.tls ? ['--tls', '--cacert', security.tls.caFile] : []),
    ...(security.password ? ['-a', security.password, '--no-auth-warning'] : []),
  ];
  await run('redis-cli', [
    ...cliSecurity,
    ...['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'],
  ]);
}
