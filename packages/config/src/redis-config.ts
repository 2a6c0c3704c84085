import type { RedisAuth, RedisNode, RedisTopology } from '@fluxquery/coordination';

export interface RedisEnv {
  REDIS_URL: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
  REDIS_SENTINEL_USERNAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
  REDIS_CLUSTER_NODES?: string;
  REDIS_USERNAME?: string;
  REDIS_PASSWORD?: string;
  REDIS_TLS: boolean;
  REDIS_DB: number;
  REDIS_WAIT_REPLICAS: number;
  REDIS_WAIT_TIMEOUT: number;
}

/** REDIS_WAIT_REPLICAS and REDIS_WAIT_TIMEOUT: how many replicas must hold a new job before its 202. */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

/**
 * One topology from its own settings: REDIS_URL (one node), REDIS_SENTINELS with
 * REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES. Two at once, or a part missing, is a problem
 * reported with the others; `raw` is the environment before defaults (REDIS_URL has one).
 */
export function readRedis(v: RedisEnv, raw: NodeJS.ProcessEnv): { topology: RedisTopology; problems: string[] } {
  const problems: string[] = [];
  const chosen = [
    raw.REDIS_URL ? 'REDIS_URL' : '',
    v.REDIS_SENTINELS ? 'REDIS_SENTINELS' : '',
    v.REDIS_CLUSTER_NODES ? 'REDIS_CLUSTER_NODES' : '',
  ].filter(Boolean);
  if (chosen.length > 1)
    problems.push(`set one Redis topology, not ${chosen.join(' and ')} (docs/operations.md, "Redis")`);
  const auth: RedisAuth = { username: v.REDIS_USERNAME, password: v.REDIS_PASSWORD };
  if (v.REDIS_SENTINELS) {
    if (!v.REDIS_SENTINEL_NAME)
      problems.push('"REDIS_SENTINEL_NAME" is required with REDIS_SENTINELS: the master\'s name');
    const sentinelAuth = { username: v.REDIS_SENTINEL_USERNAME, password: v.REDIS_SENTINEL_PASSWORD };
    const sentinels = parseNodes(v.REDIS_SENTINELS, 'REDIS_SENTINELS', problems);
    const name = v.REDIS_SENTINEL_NAME ?? '';
    return {
      topology: { kind: 'sentinel', sentinels, name, auth, sentinelAuth, tls: v.REDIS_TLS, db: v.REDIS_DB },
      problems,
    };
  }
  if (v.REDIS_SENTINEL_NAME) problems.push('"REDIS_SENTINEL_NAME" needs REDIS_SENTINELS: the sentinels to ask');
  if (v.REDIS_CLUSTER_NODES) {
    if (v.REDIS_DB !== 0) problems.push('"REDIS_DB" must be 0 with REDIS_CLUSTER_NODES: a cluster has one database');
    const nodes = parseNodes(v.REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES', problems);
    return { topology: { kind: 'cluster', nodes, auth, tls: v.REDIS_TLS }, problems };
  }
  if (v.REDIS_USERNAME || v.REDIS_PASSWORD || v.REDIS_TLS || v.REDIS_DB !== 0) {
    problems.push(
      'with REDIS_URL, put the user, password and database in the URL and use rediss:// for TLS (REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS and REDIS_DB are for Sentinel and Cluster)',
    );
  }
  return { topology: { kind: 'single', url: v.REDIS_URL }, problems };
}

/** `host:port,host:port`, an IPv6 address in brackets (`[::1]:26379`). */
function parseNodes(text: string, name: string, problems: string[]): RedisNode[] {
  const nodes: RedisNode[] = [];
  for (const item of text.split(',').map((part) => part.trim())) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      problems.push(`"${name}" must list host:port pairs separated by commas; "${item}" is not one`);
      continue;
    }
    nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
}
