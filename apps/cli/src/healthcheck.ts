// The image's HEALTHCHECK, for the api and a worker alike: asks `/readyz` on each TCP port that
// the container's main process (PID 1, or the pid given) listens on, and exits 0 when one answers
// 200. The ports come from /proc, so the check follows SERVER_PORT and METRICS_PORT (a range
// included) wherever they point, and on a host network it never asks another container's process.
// Plain Node, nothing loaded: it runs every few seconds.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The TCP ports `pid` listens on: its socket inodes, looked up in the kernel's tables. */
export function listeningPorts(pid: string): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const target = readLink(`/proc/${pid}/fd/${fd}`);
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readText(table).split('\n').slice(1)) {
      // sl local_address rem_address st … inode: the state 0A is LISTEN.
      const fields = line.trim().split(/\s+/);
      const [, local, , state] = fields;
      if (state === '0A' && inodes.has(fields[9] ?? '')) ports.add(parseInt(local?.split(':')[1] ?? '', 16));
    }
  }
  return [...ports];
}

async function isReady(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(4_000) }).catch(
    () => undefined,
  );
  return res?.status === 200;
}

function readLink(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return '';
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const pid = process.argv[2] ?? '1';
  const ports = listeningPorts(pid);
  for (const port of ports) {
    if (await isReady(port)) return;
  }
  process.stderr.write(
    `not ready: process ${pid} listens on ${ports.join(', ') || 'no port'}; no /readyz answered 200\n`,
  );
  process.exitCode = 1;
}

if (require.main === module) void main();
