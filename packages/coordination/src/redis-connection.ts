import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A Redis node or sentinel's address. */
export interface RedisNode {
  host: string;
  port: number;
}

/** A user and password (Redis ACL), for the data nodes or for the sentinels. */
export interface RedisAuth {
  username?: string | undefined;
  password?: string | undefined;
}

/**
 * Where the service's Redis is: one of the three ways people run it, each from its own settings
 * (docs/operations.md, "Redis"). One node: a URL (`redis://` or `rediss://`, user and password in
 * it). Sentinel: the sentinels' addresses and the master's name; ioredis asks them for the master
 * and follows a failover. Cluster: some of its nodes; ioredis learns the rest and follows MOVED.
 */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      name: string;
      /** The data nodes' credentials. */
      auth: RedisAuth;
      /** The sentinels' own (Sentinel's `requirepass`), when they have one. */
      sentinelAuth: RedisAuth;
      /** TLS to the sentinels and to the data nodes. */
      tls: boolean;
      db: number;
    }
  | { kind: 'cluster'; nodes: RedisNode[]; auth: RedisAuth; tls: boolean };

/** A connection to any of them: BullMQ and every function of this package take either. */
export type RedisClient = Redis | Cluster;

/** Opens a connection to the topology; `options` (time limits, retries) apply to every node. */
export function connectRedis(topology: RedisTopology, options: RedisOptions = {}): RedisClient {
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, options);
    case 'sentinel':
      return new Redis({
        ...options,
        sentinels: topology.sentinels,
        name: topology.name,
        ...credentials(topology.auth),
        ...(topology.sentinelAuth.username ? { sentinelUsername: topology.sentinelAuth.username } : {}),
        ...(topology.sentinelAuth.password ? { sentinelPassword: topology.sentinelAuth.password } : {}),
        db: topology.db,
        ...(topology.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
        // A failover turns the old master into a replica without closing its connections: the
        // sentinels' +switch-master tells ioredis to reconnect at once, and a write that met the
        // demoted master (READONLY) reconnects to the new one and is sent again.
        failoverDetector: true,
        reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      });
    case 'cluster':
      return new Cluster(topology.nodes, {
        redisOptions: { ...options, ...credentials(topology.auth), ...(topology.tls ? { tls: {} } : {}) },
        // A failover or a resharding answers MOVED/ASK or CLUSTERDOWN for a moment: retried, not failed.
        retryDelayOnClusterDown: 300,
        retryDelayOnFailover: 200,
      });
  }
}

/** The hosts the service talks to Redis through (start-up checks: is any beyond loopback?). */
export function redisHosts(topology: RedisTopology): string[] {
  switch (topology.kind) {
    case 'single':
      return [new URL(topology.url).hostname];
    case 'sentinel':
      return topology.sentinels.map((node) => node.host);
    case 'cluster':
      return topology.nodes.map((node) => node.host);
  }
}

function credentials(auth: RedisAuth): RedisAuth {
  return {
    ...(auth.username ? { username: auth.username } : {}),
    ...(auth.password ? { password: auth.password } : {}),
  };
}

/**
 * `WAIT` for `replicas` replicas, up to `timeoutMs`, on the connection that wrote `key`: the one
 * node, Sentinel's master, or on a cluster the master that holds the key's slot (its slot is asked
 * once; the slot's master is looked up each time, as a failover moves it). True when enough
 * replicas hold everything written on that connection so far.
 */
export function createReplicaWait(
  redis: RedisClient,
  key: string,
  replicas: number,
  timeoutMs: number,
): () => Promise<boolean> {
  let slot: Promise<number> | undefined;
  const writer = async (): Promise<Redis | undefined> => {
    if (!(redis instanceof Cluster)) return redis;
    slot ??= redis.cluster('KEYSLOT', key).then(Number);
    const master = redis.slots[await slot]?.[0];
    return redis.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === master);
  };
  return async () => {
    const node = await writer();
    return node !== undefined && (await node.wait(replicas, timeoutMs)) >= replicas;
  };
}
