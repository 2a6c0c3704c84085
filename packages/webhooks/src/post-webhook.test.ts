import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from './post-webhook';
import { verifyWebhook } from '@fluxquery/signing';
import { webhookHeaders } from './webhook-signature';

// A real HTTP receiver on this machine: loopback is allowed here as in development, and refused as
// in production.
const received: { url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
let answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end();
let server: Server;
let base: string;
const development = { requireHttps: false, allowLoopback: true };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  answer = (res) => res.writeHead(204).end();
});

const call = (url: string, policy = development, timeoutMs?: number) => {
  const body = JSON.stringify({ job_id: 'j1', status: 'COMPLETED' });
  const target = new URL(url);
  const headers = webhookHeaders({
    secret: 'receiver-secret-0123456789',
    keyId: 'billing',
    url: target,
    body,
    event: 'export.completed',
    deliveryId: 'd-1',
  });
  return postWebhook({ url: target, body, headers, policy, ...(timeoutMs ? { timeoutMs } : {}) });
};

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'sent',
    (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
  );

describe('posting a webhook', () => {
  it('POSTs the JSON, signed so that the receiver can verify it with the key’s secret', async () => {
    await expect(call(`${base}/hooks/fq?tenant=7`)).resolves.toEqual({ status: 204 });
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook?.headers['content-type']).toBe('application/json');
    expect(hook?.headers['x-fluxquery-event']).toBe('export.completed');
    expect(hook?.headers['x-fluxquery-delivery']).toBe('d-1');
    expect(JSON.parse(hook!.body.toString())).toEqual({ job_id: 'j1', status: 'COMPLETED' });
    expect(verifyWebhook(hook!, ['receiver-secret-0123456789'])).toMatchObject({ ok: true, keyId: 'billing' });
    expect(verifyWebhook(hook!, ['another-secret-0123456789'])).toEqual({ ok: false, failure: 'signature-mismatch' });
    const altered = { ...hook!, body: Buffer.from(hook!.body.toString().replace('COMPLETED', 'FAILED')) };
    expect(verifyWebhook(altered, ['receiver-secret-0123456789'])).toEqual({
      ok: false,
      failure: 'signature-mismatch',
    });
  });

  it('refuses a host whose name resolves to loopback when loopback is not allowed, and sends nothing', async () => {
    const port = new URL(base).port;
    expect(await failureOf(call(`http://localhost:${port}/x`, { requireHttps: false, allowLoopback: false }))).toMatch(
      /^WEBHOOK_REFUSED: the callback's host localhost resolves to a loopback address/,
    );
    expect(received).toHaveLength(0);
  });

  it('does not follow a redirect', async () => {
    answer = (res) => res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/' }).end();
    expect(await failureOf(call(`${base}/x`))).toBe(
      'WEBHOOK_REFUSED: the callback answered 302, a redirect, which is not followed',
    );
    expect(received).toHaveLength(1);
  });

  it('tells a retry that may help (5xx, 429, a time-out) from one that cannot (4xx)', async () => {
    answer = (res) => res.writeHead(503).end();
    expect(await failureOf(call(`${base}/x`))).toBe('WEBHOOK_FAILED: the callback answered 503');
    answer = (res) => res.writeHead(429).end();
    expect(await failureOf(call(`${base}/x`))).toBe('WEBHOOK_FAILED: the callback answered 429');
    answer = (res) => res.writeHead(404).end();
    expect(await failureOf(call(`${base}/x`))).toBe('WEBHOOK_REFUSED: the callback answered 404');
    answer = () => undefined; // never answers
    const started = Date.now();
    expect(await failureOf(call(`${base}/x`, development, 300))).toBe(
      'WEBHOOK_FAILED: the callback did not answer within 300 ms',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a receiver that is down as worth a retry', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    expect(await failureOf(call(`http://127.0.0.1:${port}/x`))).toBe(
      'WEBHOOK_FAILED: the callback could not be reached (ECONNREFUSED)',
    );
  });
});
