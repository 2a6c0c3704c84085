import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { listeningPorts } from './healthcheck';

// The image's HEALTHCHECK, outside a container: it finds the ports of the process it is pointed
// at and passes only when that process's /readyz answers 200.
const HEALTHCHECK = path.join(__dirname, '../dist/healthcheck.js');
const run = promisify(execFile);

/** A process listening on a free port whose /readyz answers `status`; resolves with its pid. */
async function serverAnswering(status: number) {
  const code = `require('node:http').createServer((q, s) => s.writeHead(q.url === '/readyz' ? ${status} : 404).end())
    .listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString()))),
  );
  return { child, port, pid: String(child.pid) };
}

describe('healthcheck', () => {
  it('lists the ports a process listens on, from /proc', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(listeningPorts(String(process.pid))).toContain((server.address() as AddressInfo).port);
    } finally {
      server.close();
    }
  });

  it('passes when the process answers /readyz with 200, and fails with why when it answers 503', async () => {
    const ready = await serverAnswering(200);
    const unready = await serverAnswering(503);
    try {
      await expect(run(process.execPath, [HEALTHCHECK, ready.pid])).resolves.toBeDefined();
      const failed = await run(process.execPath, [HEALTHCHECK, unready.pid]).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed).toMatchObject({
        code: 1,
        stderr: `not ready: process ${unready.pid} listens on ${unready.port}; no /readyz answered 200\n`,
      });
    } finally {
      ready.child.kill();
      unready.child.kill();
    }
  });
});
