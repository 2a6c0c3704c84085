import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** A CA of the test's own and a server certificate for 127.0.0.1 signed by it, as files in a folder. */
export interface TestCertificates {
  /** The CA: NODE_EXTRA_CA_CERTS for the processes that connect. */
  caFile: string;
  ca: Buffer;
  certFile: string;
  keyFile: string;
}

/** Redis options that let a TLS port take them (no client certificates asked for). */
export interface RedisSecurity {
  /** Certificates for TLS, or none for plain TCP. */
  tls?: TestCertificates;
  /** `requirepass` (and `masterauth`, for replicas) on the data nodes. */
  password?: string;
}

const run = promisify(execFile);

export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string) => path.join(dir, name);
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
    ...['-keyout', file('ca.key'), '-out', file('ca.pem'), ...subject('fq test CA')],
  ]);
  await run('openssl', [
    ...['req', '-newkey', 'rsa:2048', '-nodes'],
    ...['-keyout', file('server.key'), '-out', file('server.csr'), ...subject('127.0.0.1')],
  ]);
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await run('openssl', [
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
    ...['-CAcreateserial', '-days', '1', '-out', file('server.pem'), '-extfile', file('san.ext')],
  ]);
  return {
    caFile: file('ca.pem'),
    ca: await readFile(file('ca.pem')),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
  };
}

/**
 * redis-server's arguments for a node on `port`: a TLS port only (`--port 0`) with replication and
 * the cluster bus over TLS too, and the password, when `security` asks for them.
 */
export function redisServerArgs(port: number, security: RedisSecurity): string[] {
  const { tls, password } = security;
  return [
    ...(tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-replication', 'yes', '--tls-cluster', 'yes']
      : ['--port', String(port)]),
    ...(tls ? ['--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile] : []),
    ...(tls ? ['--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no'] : []),
    ...(password ? ['--requirepass', password, '--masterauth', password] : []),
  ];
}

/** The test's own ioredis options for such a node (by IP: the certificate names 127.0.0.1). */
export function redisClientOptions(security: RedisSecurity): { host: string; password?: string; tls?: { ca: Buffer } } {
  return {
    host: '127.0.0.1',
    ...(security.password ? { password: security.password } : {}),
    ...(security.tls ? { tls: { ca: security.tls.ca } } : {}),
  };
}
