import { createClient, signatureHeaders, type FluxQueryClient, type SubscriptionRunBody } from '@fluxquery/client';
import { createTickQueue, TICK_JOB_NAME, type TickQueue } from '@fluxquery/subscriptions';
import {
  connectTestRedis,
  freePort,
  startTestSmtp,
  waitFor,
  type ReceivedMail,
  type TestSmtp,
} from '@fluxquery/testkit';
import { createHarness, SECRET, testClient, type Harness } from './harness';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkAgainstOpenApi } from './openapi-check';
import { spawnApi, spawnWorker, stopServices, type ServiceProcess } from './service-process';

// Subscriptions on real processes: two api processes and two workers on this file's database and
// Redis prefix, a real SMTP server, ticks every minute (SUBSCRIPTION_MIN_INTERVAL lowered to 1m).
const OTHER = { id: 'other', secret: 'other-key-secret-0123456789' };
const HEAVY = 'SELECT a.id AS a, b.id AS b, MD5(a.id * 10000 + b.id) AS h FROM n a CROSS JOIN n b';
let harness: Harness;
let smtp: TestSmtp;
let ports: number[];
let apis: ServiceProcess[] = [];
let workers: ServiceProcess[] = [];
/** Every process started, the stopped ones too: their logs count. */
const everyProcess: ServiceProcess[] = [];
let owner: FluxQueryClient;
let ownerOnSecondApi: FluxQueryClient;
let stranger: FluxQueryClient;
let ticks: TickQueue;
const redis = connectTestRedis({ maxRetriesPerRequest: null });

function environment(port: number): Record<string, string> {
  return {
    SERVER_PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${ports[0]}`,
    CLIENT_KEYS: JSON.stringify([
      { key_id: OTHER.id, secrets: [OTHER.secret], allowed_schemas: [harness.testDb.name] },
    ]),
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_FROM: 'exports@fluxquery.test',
    EXPORTS_PER_MINUTE: '1000',
    REQUESTS_PER_MINUTE: '100000',
    SUBSCRIPTION_MIN_INTERVAL: '1m',
    SUBSCRIPTION_RECONCILE_INTERVAL: '3s',
    // A killed worker's run moves on after about this; 2 s was short enough for a busy machine to
    // miss a live worker's lock renewal and fail the export as stalled twice.
    WORKER_STALL_INTERVAL: '5s',
    WORKER_COUNT: '2',
  };
}

/** A worker with its own metrics port (two on one host need two). */
async function newWorker(): Promise<ServiceProcess> {
  return spawnWorker(harness, { ...environment(0), METRICS_PORT: String(await freePort()) });
}

async function startAll(): Promise<void> {
  // The first api shows Bull Board.
  apis = ports.map((port, i) =>
    spawnApi(harness, { ...environment(port), ...(i === 0 ? { DASHBOARD_PASSWORD: 'board-password' } : {}) }),
  );
  workers = [await newWorker(), await newWorker()];
  const all = [...apis, ...workers];
  everyProcess.push(...all);
  await waitFor(async () =>
    all.every((p) => p.logs.some((l) => l.message === 'api.started' || l.message === 'worker.started'))
      ? true
      : undefined,
  ).catch((error: unknown) => {
    throw new Error(`the services did not start: ${all.map((p) => p.stderr()).join('\n')}`, { cause: error });
  });
}

beforeAll(async () => {
  harness = await createHarness('e2e_subscriptions', {
    clients: (database) => [
      testClient('default', [SECRET], [database]),
      testClient(OTHER.id, [OTHER.secret], [database]),
    ],
  });
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_1500');
  await harness.testDb.db.query('CREATE TABLE sales (id INT PRIMARY KEY, amount DECIMAL(10,2))');
  await harness.testDb.db.query('INSERT INTO sales VALUES (1, 10.50), (2, 20.00)');
  smtp = await startTestSmtp();
  ports = [await freePort(), await freePort()];
  await startAll();
  const base = (port: number) => `http://127.0.0.1:${port}`;
  owner = createClient({ baseUrl: base(ports[0]!), secret: SECRET });
  ownerOnSecondApi = createClient({ baseUrl: base(ports[1]!), secret: SECRET });
  stranger = createClient({ baseUrl: base(ports[1]!), secret: OTHER.secret, keyId: OTHER.id });
  ticks = createTickQueue(redis, harness.prefix);
}, 120_000);

afterAll(async () => {
  await stopServices([...apis, ...workers]);
  await ticks?.close();
  await smtp?.close();
  await harness?.close();
  redis.disconnect();
});

/** A header as it was sent (mailparser folds List-* headers into one structured `list`). */
const rawHeader = (mail: ReceivedMail, name: string) =>
  mail.parsed.headerLines.find((line) => line.key === name)?.line.replace(/^[^:]+:\s*/, '');
const mailsTo = (to: string) => smtp.messages.filter((m) => m.envelope.to.includes(to));
const everyLog = () => everyProcess.flatMap((p) => p.logs);

/** Waits until `id` has a run for `scheduledAt` with a final outcome, and returns it. */
async function finishedRun(
  client: FluxQueryClient,
  id: string,
  match: (run: SubscriptionRunBody) => boolean,
  timeoutMs = 90_000,
) {
  return waitFor(
    async () => {
      const { runs } = await client.subscriptions.runs(id);
      return runs.find((run) => match(run) && run.outcome !== 'running');
    },
    timeoutMs,
    250,
  );
}

describe('a subscription that fires every minute, on two api and two worker processes', () => {
  it('makes one export and one email per tick, through a tick fired twice, all processes restarted, and its scheduler deleted by hand', async () => {
    const recipient = 'minutely@example.com';
    const created = await owner.subscriptions.create({
      name: 'Minutely sales',
      query: 'SELECT id, amount FROM sales ORDER BY id',
      email: recipient,
      schedule: { cron: '* * * * *', time_zone: 'Europe/Berlin' },
    });
    expect(created).toMatchObject({
      status: 'active',
      condition: 'always',
      misfire: 'run_once',
      name: 'Minutely sales',
    });
    const id = created.subscription_id;
    // Either api answers for it: the subscription lives in Redis, not in a process.
    expect(await ownerOnSecondApi.subscriptions.show(id)).toMatchObject({
      subscription_id: id,
      next_run_at: created.next_run_at,
    });

    // The first tick: one export, one email that names the subscription and can unsubscribe.
    const first = await finishedRun(owner, id, (run) => run.scheduled_at === created.next_run_at);
    expect(first).toMatchObject({ outcome: 'delivered', trigger: 'schedule' });
    expect(Date.parse(first.scheduled_at) % 60_000).toBe(0);
    const mail = await smtp.waitForMessage(recipient);
    expect(mail.parsed.subject).toMatch(/^\[Minutely sales\] Your export is ready: 2 rows/);
    expect(mail.parsed.text).toContain('* * * * * (Europe/Berlin)');
    expect(String(rawHeader(mail, 'list-unsubscribe'))).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/.+>$/);
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const status = await owner.status(first.job_id!);
    expect(status).toMatchObject({ status: 'COMPLETED', result: { rows: 2 } });

    // The same tick fired a second time (its job made again under the same id): no second export, no second email.
    const tickJobId = `repeat:${id}:${Date.parse(first.scheduled_at)}`;
    const tickJob = await ticks.getJob(tickJobId);
    expect(tickJob).toBeDefined();
    const sealedData = tickJob!.data;
    await tickJob!.remove();
    await ticks.add(TICK_JOB_NAME, sealedData, { jobId: tickJobId });
    await waitFor(async () => ((await ticks.getJobState(tickJobId)) === 'completed' ? true : undefined), 30_000, 100);

    // Every process restarted between two ticks.
    await stopServices([...apis, ...workers]);
    await startAll();
    const second = await finishedRun(
      owner,
      id,
      (run) => run.trigger === 'schedule' && run.scheduled_at > first.scheduled_at,
    );
    expect(second.outcome).toBe('delivered');

    // The scheduler removed from Redis behind the service's back: the reconciler puts it back.
    expect(await ticks.removeJobScheduler(id)).toBe(true);
    await waitFor(
      async () =>
        everyLog().some((l) => l.message === 'subscription.scheduler_repaired' && l.subscriptionId === id)
          ? true
          : undefined,
      30_000,
    );
    const third = await finishedRun(
      owner,
      id,
      (run) => run.trigger === 'schedule' && run.scheduled_at > second.scheduled_at,
    );
    expect(third.outcome).toBe('delivered');

    // Counted per tick: every tick since creation has one run; each delivered run one export and one email.
    await owner.subscriptions.pause(id);
    const { runs } = await owner.subscriptions.runs(id);
    const scheduled = runs.filter((run) => run.trigger === 'schedule');
    const tickTimes = scheduled.map((run) => Date.parse(run.scheduled_at)).sort();
    expect(new Set(tickTimes).size).toBe(tickTimes.length);
    for (let i = 1; i < tickTimes.length; i += 1) expect(tickTimes[i]! - tickTimes[i - 1]!).toBe(60_000);
    expect(scheduled.every((run) => run.outcome === 'delivered')).toBe(true);
    const jobIds = scheduled.map((run) => run.job_id);
    expect(new Set(jobIds).size).toBe(scheduled.length);
    await waitFor(async () => (mailsTo(recipient).length >= scheduled.length ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(mailsTo(recipient)).toHaveLength(scheduled.length);
    const completions = everyLog().filter(
      (l) => l.message === 'export.completed' && jobIds.includes(l.jobId as string),
    );
    expect(completions).toHaveLength(scheduled.length);
  }, 420_000);
});

describe('a run with a worker killed in the middle of it', () => {
  it('completes once on the other worker and is delivered once', async () => {
    const recipient = 'heavy@example.com';
    const { subscription_id: id } = await owner.subscriptions.create({
      name: 'Heavy',
      query: HEAVY,
      email: recipient,
      schedule: { cron: '0 3 * * *', time_zone: 'UTC' },
    });
    const run = await owner.subscriptions.run(id);
    expect(run).toMatchObject({ outcome: 'running', trigger: 'manual' });
    const running = await waitFor(
      async () => workers.find((w) => w.logs.some((l) => l.message === 'export.started' && l.jobId === run.job_id)),
      30_000,
      20,
    );
    running.child.kill('SIGKILL');
    await running.exited;
    // A new worker in its place, as an orchestrator would start one; the run does not wait for it.
    const replacement = await newWorker();
    everyProcess.push(replacement);
    workers = [...workers.filter((w) => w !== running), replacement];
    const done = await finishedRun(owner, id, (r) => r.job_id === run.job_id, 120_000);
    expect([done.outcome, done.reason]).toEqual(['delivered', null]);
    await smtp.waitForMessage(recipient, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(mailsTo(recipient)).toHaveLength(1);
  }, 180_000);
});

describe('conditions', () => {
  it('"rows": an empty result sends nothing and records the run as skipped', async () => {
    const recipient = 'rows@example.com';
    const { subscription_id: id } = await owner.subscriptions.create({
      query: 'SELECT id FROM sales WHERE amount > 1000',
      email: recipient,
      condition: 'rows',
      schedule: { cron: '0 3 * * *', time_zone: 'UTC' },
    });
    const run = await owner.subscriptions.run(id);
    const done = await finishedRun(owner, id, (r) => r.job_id === run.job_id);
    expect(done).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/no rows/) });
    expect(await owner.status(run.job_id!)).toMatchObject({
      status: 'COMPLETED',
      delivery: { email: { status: 'skipped' } },
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(mailsTo(recipient)).toHaveLength(0);
  });

  it('"changed": delivered, then skipped while the table is unchanged, then delivered after an insert', async () => {
    const recipient = 'changed@example.com';
    await harness.testDb.db.query('CREATE TABLE stock (sku INT PRIMARY KEY, qty INT)');
    await harness.testDb.db.query('INSERT INTO stock VALUES (1, 5)');
    const { subscription_id: id } = await owner.subscriptions.create({
      query: 'SELECT sku, qty FROM stock ORDER BY sku',
      email: recipient,
      condition: 'changed',
      schedule: { cron: '0 3 * * *', time_zone: 'UTC' },
    });
    const outcomes: string[] = [];
    for (const step of ['first', 'unchanged', 'inserted']) {
      if (step === 'inserted') await harness.testDb.db.query('INSERT INTO stock VALUES (2, 7)');
      const run = await owner.subscriptions.run(id);
      outcomes.push((await finishedRun(owner, id, (r) => r.job_id === run.job_id)).outcome);
    }
    expect(outcomes).toEqual(['delivered', 'skipped', 'delivered']);
    await waitFor(async () => (mailsTo(recipient).length >= 2 ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const subjects = mailsTo(recipient).map((m: ReceivedMail) => m.parsed.subject);
    expect(subjects).toHaveLength(2);
    expect(subjects[1]).toMatch(/2 rows/);
  });
});

describe('failures', () => {
  it('five failed runs in a row pause the subscription and mail its owner why', async () => {
    const recipient = 'failing@example.com';
    await harness.testDb.db.query('CREATE TABLE doomed (id INT)');
    const { subscription_id: id } = await owner.subscriptions.create({
      name: 'Doomed',
      query: 'SELECT id FROM doomed',
      email: recipient,
      schedule: { cron: '0 3 * * *', time_zone: 'UTC' },
    });
    await harness.testDb.db.query('DROP TABLE doomed');
    for (let i = 0; i < 5; i += 1) {
      const run = await owner.subscriptions.run(id);
      const done = await finishedRun(owner, id, (r) => r.job_id === run.job_id);
      expect(done).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^\[QUERY_FAILED\]/) });
    }
    const paused = await waitFor(async () => {
      const subscription = await owner.subscriptions.show(id);
      return subscription.status === 'paused' ? subscription : undefined;
    });
    expect(paused).toMatchObject({
      paused_by: 'failures',
      status_reason: expect.stringMatching(/^5 runs failed in a row/),
      next_run_at: null,
    });
    await waitFor(
      async () =>
        mailsTo(recipient).some((m) => /subscription is paused/.test(m.parsed.subject ?? '')) ? true : undefined,
      30_000,
    );
    const notices = mailsTo(recipient).filter((m) => /subscription is paused/.test(m.parsed.subject ?? ''));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.parsed.text).toContain('5 runs failed in a row');
    // Five failure notices, one per run, beside the pause notice.
    expect(mailsTo(recipient).filter((m) => /Your export failed/.test(m.parsed.subject ?? ''))).toHaveLength(5);
    expect(await ticks.getJobScheduler(id)).toBeUndefined();
  });
});

describe('the unsubscribe link', () => {
  it('pauses the subscription from the email that arrived, and its undo resumes it', async () => {
    const recipient = 'reader@example.com';
    const { subscription_id: id } = await owner.subscriptions.create({
      name: 'Weekly',
      query: 'SELECT id FROM sales',
      email: recipient,
      schedule: { cron: '0 8 * * 1', time_zone: 'America/New_York' },
    });
    await owner.subscriptions.run(id);
    const mail = await smtp.waitForMessage(recipient);
    const link = /<(.+)>/.exec(String(rawHeader(mail, 'list-unsubscribe')))![1]!;
    expect(mail.parsed.text).toContain(link);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('unsubscribed from &quot;Weekly&quot;');
    expect(await owner.subscriptions.show(id)).toMatchObject({ status: 'paused', paused_by: 'unsubscribe' });
    expect(await ticks.getJobScheduler(id)).toBeUndefined();
    // One-click (RFC 8058): a POST, as a mail client sends it, changes nothing more.
    const oneClick = await fetch(link, {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(oneClick.status).toBe(200);
    const undo = new URL(/href="([^"]+\/undo)"/.exec(html)![1]!, link);
    expect((await fetch(undo)).status).toBe(200);
    expect(await owner.subscriptions.show(id)).toMatchObject({ status: 'active', paused_by: null });
    expect(await ticks.getJobScheduler(id)).toBeDefined();
    // A forged token is refused, in the one error shape.
    const forged = await fetch(link.replace(/.{4}$/, 'AAAA'));
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'LINK_INVALID' } });
  });
});

describe('another key', () => {
  it('cannot read, change, run or delete a subscription that is not its own, nor see it listed', async () => {
    const { subscription_id: id } = await owner.subscriptions.create({
      name: 'Private',
      query: 'SELECT id FROM sales',
      email: 'private@example.com',
      schedule: { cron: '0 8 * * *', time_zone: 'UTC' },
    });
    const attempts = [
      stranger.subscriptions.show(id),
      stranger.subscriptions.change(id, { email: 'thief@example.com' }),
      stranger.subscriptions.pause(id),
      stranger.subscriptions.run(id),
      stranger.subscriptions.runs(id),
      stranger.subscriptions.remove(id),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await stranger.subscriptions.list()).subscriptions.map((s) => s.subscription_id)).not.toContain(id);
    expect(await owner.subscriptions.show(id)).toMatchObject({ status: 'active', email: 'private@example.com' });
    expect((await owner.subscriptions.list({ limit: 100 })).subscriptions.map((s) => s.subscription_id)).toContain(id);
  });
});

describe('every subscription route', () => {
  /** A request signed by the default key, its answer checked against docs/openapi.yaml. */
  async function documented(method: string, url: string, body = '', signed = true) {
    const headers = signed
      ? {
          ...(body ? { 'Content-Type': 'application/json' } : {}),
          ...signatureHeaders({ scheme: 'v2', secret: SECRET, keyId: 'default', method, url, body }),
        }
      : {};
    const response = await fetch(`http://127.0.0.1:${ports[0]}${url}`, { method, headers, ...(body ? { body } : {}) });
    const type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    const answer = {
      status: response.status,
      headers: { 'content-type': type },
      body: type.startsWith('application/json') ? (JSON.parse(text) as Record<string, unknown>) : text,
    };
    checkAgainstOpenApi(method, url, answer as never);
    return answer as { status: number; body: Record<string, any> };
  }

  it('answers as docs/openapi.yaml says, errors included', async () => {
    const request = {
      query: 'SELECT id FROM sales',
      email: 'doc@example.com',
      format: 'csv',
      csv: { delimiter: ';' },
      schedule: { cron: '15 6 * * 1-5', time_zone: 'Asia/Tokyo', ends_at: '2099-01-01T00:00:00Z', max_runs: 10 },
      condition: 'changed',
      misfire: 'skip',
      callback_url: 'https://hooks.example.com/fluxquery',
    };
    const created = await documented('POST', '/subscriptions', JSON.stringify(request));
    expect(created.status).toBe(201);
    const id = created.body.subscription_id as string;
    expect(
      (
        await documented(
          'POST',
          '/subscriptions',
          JSON.stringify({ ...request, schedule: { cron: 'now', time_zone: 'UTC' } }),
        )
      ).status,
    ).toBe(400);
    expect((await documented('POST', '/subscriptions', '{"query":')).status).toBe(400);
    expect((await documented('GET', '/subscriptions?limit=2')).status).toBe(200);
    expect((await documented('GET', '/subscriptions?limit=0x1')).status).toBe(400);
    expect((await documented('GET', `/subscriptions/${id}`)).status).toBe(200);
    expect((await documented('GET', '/subscriptions/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect(
      (await documented('PATCH', `/subscriptions/${id}`, JSON.stringify({ condition: 'rows', callback_url: null })))
        .status,
    ).toBe(200);
    expect((await documented('PATCH', `/subscriptions/${id}`, JSON.stringify({ status: 'ended' }))).status).toBe(400);
    expect(
      (await documented('PATCH', `/subscriptions/${id}`, JSON.stringify({ query: 'SELECT id FROM elsewhere.t' })))
        .status,
    ).toBe(403);
    const run = await documented('POST', `/subscriptions/${id}/run`);
    expect(run.status).toBe(202);
    const again = await documented('POST', `/subscriptions/${id}/run`);
    expect([202, 409]).toContain(again.status);
    await finishedRun(owner, id, (r) => r.job_id === run.body.job_id);
    expect((await documented('GET', `/subscriptions/${id}/runs`)).status).toBe(200);
    expect((await documented('GET', `/subscriptions/${id}`, '', false)).status).toBe(401);
    const removed = await documented('DELETE', `/subscriptions/${id}`);
    expect(removed.body).toEqual({ subscription_id: id, status: 'deleted' });
    expect((await documented('DELETE', `/subscriptions/${id}`)).status).toBe(404);
    expect((await documented('POST', `/subscriptions/${id}/run`)).status).toBe(404);
    expect((await documented('GET', '/unsubscribe/nothing.here', '', false)).status).toBe(403);
  });
});

describe('the CLI', () => {
  const CLI = path.join(__dirname, '../../apps/cli/dist/main.js');
  const fluxquery = async (...args: string[]) => {
    const env = { PATH: process.env.PATH ?? '', BASE_URL: `http://127.0.0.1:${ports[1]}`, API_SECRET: SECRET };
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'subscriptions', ...args], { env });
    return JSON.parse(stdout) as Record<string, any>;
  };

  it('creates, lists, shows, pauses, resumes, runs, reads the runs of, and deletes a subscription', async () => {
    const created = await fluxquery(
      'create',
      '-q',
      'SELECT id, amount FROM sales',
      '-e',
      'cli@example.com',
      '--cron',
      '30 7 * * 1-5',
      '--time-zone',
      'Europe/London',
      '--name',
      'From the CLI',
      '--condition',
      'rows',
    );
    expect(created).toMatchObject({
      name: 'From the CLI',
      condition: 'rows',
      schedule: { cron: '30 7 * * 1-5', time_zone: 'Europe/London' },
    });
    const id = created.subscription_id as string;
    expect(
      (await fluxquery('list', '--limit', '100')).subscriptions.map(
        (s: { subscription_id: string }) => s.subscription_id,
      ),
    ).toContain(id);
    expect(await fluxquery('show', id)).toMatchObject({ subscription_id: id, status: 'active' });
    expect(await fluxquery('pause', id)).toMatchObject({ status: 'paused', paused_by: 'owner', next_run_at: null });
    expect(await fluxquery('resume', id)).toMatchObject({ status: 'active', next_run_at: expect.any(String) });
    const run = await fluxquery('run', id);
    expect(run).toMatchObject({ subscription_id: id, trigger: 'manual', job_id: expect.any(String) });
    await finishedRun(owner, id, (r) => r.job_id === run.job_id);
    expect((await fluxquery('runs', id)).runs).toEqual([
      expect.objectContaining({ outcome: 'delivered', job_id: run.job_id }),
    ]);
    expect(await fluxquery('delete', id)).toEqual({ subscription_id: id, status: 'deleted' });
  });
});

describe('where operators look', () => {
  it("Bull Board shows the ticks' queue, and each worker's /metrics counts runs by outcome and scheduler repairs", async () => {
    const auth = `Basic ${Buffer.from('admin:board-password').toString('base64')}`;
    const board = await fetch(`http://127.0.0.1:${ports[0]}/admin/queues/api/queues`, {
      headers: { Authorization: auth },
    });
    expect(board.status).toBe(200);
    const names = ((await board.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name);
    expect(names).toEqual(expect.arrayContaining(['exports', 'deliveries', 'subscription-ticks']));
    // Its schedulers view lists each active subscription's scheduler; read-only, none can be run or removed there.
    const { subscription_id: id } = await owner.subscriptions.create({
      name: 'On the board',
      query: 'SELECT id FROM sales',
      email: 'board@example.com',
      schedule: { cron: '0 6 * * *', time_zone: 'UTC' },
    });
    const schedulers = await fetch(`http://127.0.0.1:${ports[0]}/admin/queues/api/job-schedulers`, {
      headers: { Authorization: auth },
    });
    expect(schedulers.status).toBe(200);
    expect(JSON.stringify(await schedulers.json())).toContain(id);
    const runThere = await fetch(
      `http://127.0.0.1:${ports[0]}/admin/queues/api/queues/subscription-ticks/job-schedulers/${id}/run`,
      { method: 'PUT', headers: { Authorization: auth } },
    );
    expect(runThere.status).toBe(403);
    const texts = await Promise.all(
      workers.map(async (worker) => {
        const port = await waitFor(async () => worker.logs.find((l) => l.message === 'metrics.started')?.port);
        return (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
      }),
    );
    const count = (name: string) =>
      texts.reduce(
        (sum, text) =>
          sum + [...text.matchAll(new RegExp(`^${name} (\\d+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0),
        0,
      );
    expect(count('fluxquery_subscription_runs_total\\{outcome="delivered"\\}')).toBeGreaterThan(0);
    expect(count('fluxquery_subscription_runs_total\\{outcome="skipped"\\}')).toBeGreaterThan(0);
    expect(texts.join('\n')).toContain('# TYPE fluxquery_subscription_scheduler_repairs_total counter');
  });
});
