import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitUntilRedisAnswers } from './own-redis';
import { stopProcesses } from './stop-processes';
import { makeTestCertificates, redisClientOptions, redisServerArgs } from './test-certificates';

/** A Redis of the test's own that speaks only TLS and wants a password, with a CA made for it. */
export interface TlsRedis {
  /** `rediss://:<password>@127.0.0.1:<port>`. */
  url: string;
  /** The CA that signed the server's certificate: NODE_EXTRA_CA_CERTS for the processes that connect. */
  caFile: string;
  close(): Promise<void>;
}

export async function startTlsRedis(password: string): Promise<TlsRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fq-tls-redis-'));
  const security = { tls: await makeTestCertificates(dir), password };
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [...redisServerArgs(port, security), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    { stdio: 'ignore' },
  );
  const url = `rediss://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await waitUntilRedisAnswers({ port, ...redisClientOptions(security) });
  return {
    url,
    caFile: security.tls.caFile,
    async close() {
      await stopProcesses([child]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
