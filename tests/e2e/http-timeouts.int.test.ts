import { createHttpServer } from '@fluxquery/api';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createHarness, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness('e2e_timeouts');
});

afterAll(async () => harness.close());

describe('the HTTP server', () => {
  it('cuts off a client that sends its headers too slowly, with 408, instead of holding the socket', async () => {
    const server = createHttpServer(harness.app, { headersMs: 1_000, requestMs: 2_000, keepAliveMs: 1_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let received = '';
        socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        // One header byte every 200 ms: never finishing, always busy.
        const drip = setInterval(() => socket.write('X'), 200);
        const giveUp = setTimeout(() => {
          socket.destroy();
          reject(new Error('the server kept the slow socket open for 10 s'));
        }, 10_000);
        socket.on('close', () => {
          clearInterval(drip);
          clearTimeout(giveUp);
        });
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
