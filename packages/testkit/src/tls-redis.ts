import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './own-redis';
import { stopProcesses } from './stop-processes';
import { waitFor } from './wait-for';

/** A Redis of the test's own that speaks only TLS and wants a password, with a CA made for it. */
export interface TlsRedis {
  /** `rediss://:<password>@127.0.0.1:<port>`. */
  url: string;
  /** The CA that signed the server's certificate: NODE_EXTRA_CA_CERTS for the processes that connect. */
  caFile: string;
  close(): Promise<void>;
}

const run = promisify(execFile);

export async function startTlsRedis(password: string): Promise<TlsRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fq-tls-redis-'));
  const file = (name: string) => path.join(dir, name);
  await makeCertificates(file);
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      ...['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
      ...['--tls-cert-file', file('server.pem'), '--tls-key-file', file('server.key')],
      ...['--tls-ca-cert-file', file('ca.pem'), '--tls-auth-clients', 'no', '--requirepass', password],
    ],
    { stdio: 'ignore' },
  );
  const url = `rediss://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const ca = await readFile(file('ca.pem'));
  const ping = async () => {
    const options = { tls: { ca }, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null };
    const client = new Redis(url, options);
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
  await waitFor(ping, 10_000, 100);
  return {
    url,
    caFile: file('ca.pem'),
    async close() {
      await stopProcesses([child]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A CA of its own (`ca.pem`), and a server certificate for 127.0.0.1 signed by it (`server.pem`). */
async function makeCertificates(file: (name: string) => string): Promise<void> {
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    ...subject('fq test CA'),
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    ...subject('127.0.0.1'),
  ]);
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await run('openssl', [
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
    ...['-CAcreateserial', '-days', '1', '-out', file('server.pem'), '-extfile', file('san.ext')],
  ]);
}
