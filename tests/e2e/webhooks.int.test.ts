import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { verifyWebhook } from '@fluxquery/signing';
import { forbiddenAddressReason } from '@fluxquery/webhooks';
import { waitFor } from '@fluxquery/testkit';
import { createHarness, pollUntilDone, SECRET, testClient, type Harness } from './harness';

// Webhooks end to end: the api takes callback_url, the worker ends the export, the deliveries worker
// POSTs the status to a real HTTP receiver on this machine (loopback is allowed, as in development).
interface Hook {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
const hooks: Hook[] = [];
let answers: number[] = [];
let receiver: Server;
let base: string;
let harness: Harness;
const ALLOWED = { id: 'partner', secret: 'partner-secret-0123456789' };

beforeAll(async () => {
  receiver = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hooks.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  harness = await createHarness('e2e_webhooks', {
    backoffMs: 100,
    clients: (database) => [
      testClient('default', [SECRET], [database]),
      testClient(ALLOWED.id, [ALLOWED.secret], [database], { allowedCallbackHosts: ['hooks.partner.test'] }),
    ],
  });
  await harness.testDb.db.query('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20))');
  await harness.testDb.db.query("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_2000');
  harness.startWorker();
});

afterAll(async () => {
  await harness.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(() => {
  hooks.length = 0;
  answers = [];
});

const submit = (fields: Record<string, unknown>, keyId = 'default') =>
  harness.signed('POST', '/export', JSON.stringify({ email: 'ops@example.com', ...fields }), keyId);

const hooksFor = (jobId: string) => hooks.filter((hook) => JSON.parse(hook.body.toString()).job_id === jobId);

async function webhookStatus(jobId: string, done: (w: any) => boolean) {
  return waitFor(async () => {
    const res = await harness.signed('GET', `/export/${jobId}`);
    return done(res.body.delivery.webhook) ? res.body.delivery.webhook : undefined;
  }, 20_000);
}

describe('a completed export with callback_url', () => {
  it('POSTs the final status, signed with the key’s secret, and the status shows it was sent', async () => {
    const created = await submit({ query: 'SELECT id, name FROM t ORDER BY id', callback_url: `${base}/hooks/fq?t=1` });
    expect(created.status).toBe(202);
    const id = created.body.job_id as string;
    const { body: final } = await pollUntilDone(harness, id);
    expect(final.status).toBe('COMPLETED');
    const sent = await webhookStatus(id, (w) => w.status === 'sent');
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, http_status: 204, error: null });

    const [hook, ...more] = hooksFor(id);
    expect(more).toEqual([]);
    expect(hook?.url).toBe('/hooks/fq?t=1');
    expect(hook?.headers['x-fluxquery-event']).toBe('export.completed');
    expect(hook?.headers['x-fluxquery-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(verifyWebhook(hook!, [SECRET])).toMatchObject({ ok: true, keyId: 'default' });
    expect(verifyWebhook(hook!, ['not-the-secret'])).toMatchObject({ ok: false });
    // The status a poller saw, as it was when the export ended.
    const status = JSON.parse(hook!.body.toString());
    expect(status).toMatchObject({
      job_id: id,
      status: 'COMPLETED',
      error: null,
      result: { rows: 2, sha256: final.result.sha256, download_url: final.result.download_url },
      delivery: { email: { status: 'pending' }, webhook: { status: 'pending' } },
    });
    expect(Object.keys(status).sort()).toEqual(Object.keys(final).sort());
    expect(await harness.download(status)).toEqual(Buffer.from('id,name\r\n1,a\r\n2,b\r\n'));
  });

  it('retries a receiver that answers 503, with the same delivery id and a fresh nonce', async () => {
    answers = [503, 503];
    const created = await submit({ query: 'SELECT 1 AS one', callback_url: `${base}/retry` });
    const id = created.body.job_id as string;
    const sent = await webhookStatus(id, (w) => w.status === 'sent');
    expect(sent).toMatchObject({ attempts: 3, http_status: 204 });
    const calls = hooksFor(id);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers['x-fluxquery-delivery'])).size).toBe(1);
    expect(new Set(calls.map((c) => c.headers['x-nonce'])).size).toBe(3);
  });

  it('gives up at once on a 4xx, and says so in the status', async () => {
    answers = [410];
    const created = await submit({ query: 'SELECT 1 AS one', callback_url: `${base}/gone` });
    const id = created.body.job_id as string;
    const failed = await webhookStatus(id, (w) => w.status === 'failed');
    expect(failed).toMatchObject({
      attempts: 1,
      error: { code: 'WEBHOOK_REFUSED', message: 'the callback answered 410' },
    });
    expect((await harness.signed('GET', `/export/${id}`)).body.status).toBe('COMPLETED');
  });
});

describe('exports that end without a file', () => {
  it('sends export.failed with the error a poller sees', async () => {
    const created = await submit({ query: 'SELECT nope FROM t', callback_url: `${base}/failed` });
    const id = created.body.job_id as string;
    await webhookStatus(id, (w) => w.status === 'sent');
    const [hook] = hooksFor(id);
    expect(hook?.headers['x-fluxquery-event']).toBe('export.failed');
    expect(JSON.parse(hook!.body.toString())).toMatchObject({
      status: 'FAILED',
      result: null,
      error: { code: 'QUERY_FAILED' },
    });
  });

  it('sends export.cancelled for a job cancelled while it waited', async () => {
    await harness.queue.pause();
    try {
      const created = await submit({ query: 'SELECT 1 AS one', callback_url: `${base}/cancelled` });
      const id = created.body.job_id as string;
      const cancelled = await harness.signed('DELETE', `/export/${id}`);
      expect(cancelled.body.status).toBe('CANCELLED');
      const sent = await webhookStatus(id, (w) => w.status === 'sent');
      expect(sent.http_status).toBe(204);
      const [hook] = hooksFor(id);
      expect(hook?.headers['x-fluxquery-event']).toBe('export.cancelled');
      expect(JSON.parse(hook!.body.toString())).toMatchObject({ status: 'CANCELLED', error: { code: 'CANCELLED' } });
    } finally {
      await harness.queue.resume();
    }
  });

  it('sends export.cancelled for a running export that was cancelled', async () => {
    const query = 'SELECT a.id AS a, b.id AS b FROM n a CROSS JOIN n b';
    const created = await submit({ query, callback_url: `${base}/stopped` });
    const id = created.body.job_id as string;
    await waitFor(
      async () => {
        const res = await harness.signed('GET', `/export/${id}`);
        return res.body.progress.rows > 0 ? true : undefined;
      },
      20_000,
      10,
    );
    expect((await harness.signed('DELETE', `/export/${id}`)).status).toBe(202);
    await webhookStatus(id, (w) => w.status === 'sent');
    const [hook] = hooksFor(id);
    expect(hook?.headers['x-fluxquery-event']).toBe('export.cancelled');
    expect(JSON.parse(hook!.body.toString())).toMatchObject({ status: 'CANCELLED', error: { code: 'CANCELLED' } });
  });
});

describe('callback URLs that could reach inside', () => {
  it.each([
    ['http://10.0.0.7/hook', 'a private address'],
    ['http://169.254.169.254/latest/meta-data/', 'the metadata address'],
    ['http://[fd00:ec2::254]/', 'the IPv6 metadata address'],
    ['http://user:pw@example.com/', 'credentials'],
    ['file:///etc/passwd', 'not http'],
  ])('refuses %s at submit with 400, and queues nothing', async (url) => {
    const before = await harness.queue.count();
    const res = await submit({ query: 'SELECT 1 AS one', callback_url: url });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_CALLBACK_URL' });
    expect(await harness.queue.count()).toBe(before);
  });

  it('refuses a webhook job planted in Redis (no seal): nothing is called', async () => {
    const planted = {
      schemaVersion: 1,
      exportJobId: 'planted',
      keyId: 'default',
      callbackUrl: `${base}/planted`,
      event: 'export.completed',
      deliveryId: 'x',
      status: { status: 'COMPLETED' },
    };
    const queue = harness.deliveries as unknown as { add(name: string, data: unknown, opts: object): Promise<unknown> };
    await queue.add('webhook', planted, { jobId: 'webhook-planted', attempts: 1 });
    const reason = await waitFor(async () => {
      const job = await harness.deliveries.getJob('webhook-planted');
      return job?.failedReason || undefined;
    });
    expect(reason).toMatch(/^\[JOB_SEAL_INVALID\]/);
    expect(hooks).toEqual([]);
  });

  it('holds a key to its allowed_callback_hosts (403)', async () => {
    const res = await submit({ query: 'SELECT 1 AS one', callback_url: 'https://evil.test/x' }, ALLOWED.id);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CALLBACK_NOT_ALLOWED');
  });

  it('refuses, when sending, a name that resolves to a forbidden address, and calls nothing', async () => {
    // This machine's own name resolves to loopback, or to a private address in a container.
    const name = hostname();
    const { address } = await lookup(name);
    expect(forbiddenAddressReason(address, { allowLoopback: false })).toBeDefined();
    const strict = await createHarness('e2e_webhooks_strict', {
      callbacks: { requireHttps: false, allowLoopback: false },
    });
    try {
      strict.startWorker();
      const port = new URL(base).port;
      const created = await strict.signed(
        'POST',
        '/export',
        JSON.stringify({
          query: 'SELECT 1 AS one',
          email: 'ops@example.com',
          callback_url: `http://${name}:${port}/x`,
        }),
      );
      expect(created.status).toBe(202);
      const id = created.body.job_id as string;
      const failed = await waitFor(async () => {
        const res = await strict.signed('GET', `/export/${id}`);
        return res.body.delivery.webhook.status === 'failed' ? res.body.delivery.webhook : undefined;
      }, 20_000);
      expect(failed).toMatchObject({ attempts: 1, error: { code: 'WEBHOOK_REFUSED' } });
      expect(failed.error.message).toMatch(/resolves to a (loopback|private) address, which callbacks may not reach/);
      expect(hooks).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
