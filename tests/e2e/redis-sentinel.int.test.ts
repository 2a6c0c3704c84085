import { createClient, FluxQueryError, type FluxQueryClient } from '@fluxquery/client';
import { freePort, startSentinelGroup, waitFor, type SentinelGroup } from '@fluxquery/testkit';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHarness, SECRET, type Harness } from './harness';
import { spawnApi, spawnWorker, type ServiceProcess } from './service-process';

// A Sentinel failover in the middle of a 1,000,000-row export and of a stream of submissions: a
// real api and a real worker process on a Sentinel group of the test's own (one master, one
// replica, three sentinels), pointed at it by REDIS_SENTINELS and REDIS_SENTINEL_NAME alone.
let harness: Harness;
let group: SentinelGroup;
let client: FluxQueryClient;
const processes: ServiceProcess[] = [];
// 1,000,000 rows, gzipped, each with two digests: several seconds on these machines, so the
// failover falls inside it.
const MILLION =
  'SELECT a.id AS a, b.id AS b, MD5(a.id * 1000 + b.id) AS h, SHA1(a.id * 1000 + b.id) AS s FROM n a CROSS JOIN n b ORDER BY a.id, b.id';

beforeAll(async () => {
  harness = await createHarness('e2e_redis_sentinel');
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_1000');
  group = await startSentinelGroup();
  const port = await freePort();
  client = createClient({ baseUrl: `http://127.0.0.1:${port}`, secret: SECRET, timeoutMs: 10_000 });
  const env = {
    REDIS_SENTINELS: group.sentinels,
    REDIS_SENTINEL_NAME: group.name,
    // A 202 only once the replica holds the job: what the failover must not lose (docs/operations.md).
    REDIS_WAIT_REPLICAS: '2',
    SERVER_PORT: String(port),
    // A submission every 50 ms and the polls: past the default per-key limits, which are not tested here.
    EXPORTS_PER_MINUTE: '100000',
    REQUESTS_PER_MINUTE: '100000',
  };
  processes.push(spawnApi(harness, env), spawnWorker(harness, env));
  await waitFor(async () =>
    processes.every((p) => p.logs.some((l) => l.message === 'api.started' || l.message === 'worker.started'))
      ? true
      : undefined,
  ).catch((error: unknown) => {
    throw new Error(`the services did not start: ${processes.map((p) => p.stderr()).join('\n')}`, { cause: error });
  });
}, 60_000);

afterAll(async () => {
  for (const process of processes) process.child.kill('SIGKILL');
  await Promise.all(processes.map((process) => process.exited));
  await group?.close();
  await harness?.close();
});

interface Answer {
  at: number;
  status: number;
  jobId?: string;
}

/**
 * Submits a small export every 50 ms until `isDone` says so (given every answer so far), or 60 s
 * have passed; every answer, with its time.
 */
async function submitUntil(isDone: (answers: Answer[]) => boolean): Promise<Answer[]> {
  const answers: Answer[] = [];
  const deadline = Date.now() + 60_000;
  for (let n = 1; !isDone(answers) && Date.now() < deadline; n += 1) {
    const at = Date.now();
    try {
      const { job_id } = await client.submit({ query: `SELECT ${n} AS n`, email: 'ops@example.com' });
      answers.push({ at, status: 202, jobId: job_id });
    } catch (error) {
      if (!(error instanceof FluxQueryError)) throw error;
      answers.push({ at, status: error.status });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return answers;
}

describe('a Sentinel failover while an export runs and requests arrive', () => {
  it('finishes the export once with the right bytes, finishes every accepted job, and answers 503 only during the switch', async () => {
    const { job_id: id } = await client.submit({ query: MILLION, email: 'ops@example.com', compression: 'gzip' });
    await waitFor(async () => ((await client.status(id)).progress?.rows ?? 0) > 50_000 || undefined, 60_000, 20);

    let switched: { from: string; to: string; started: number; ended: number } | undefined;
    void (async () => {
      const started = Date.now();
      const moved = await group.failover();
      switched = { ...moved, started, ended: Date.now() };
    })();
    // Until the sentinels have named the new master and the last 20 answers (a second) were 202s.
    const answers = await submitUntil(
      (sofar) => switched !== undefined && sofar.length >= 20 && sofar.slice(-20).every((a) => a.status === 202),
    );
    expect(switched).toBeDefined();
    expect(switched!.to).not.toBe(switched!.from);

    // The export: finished once, its file whole, after the switch.
    const finished = await client.wait(id, { timeoutMs: 120_000 });
    expect(finished.error).toBeNull();
    expect(finished).toMatchObject({ status: 'COMPLETED', result: { rows: 1_000_000 } });
    const file = await readFile(path.join(harness.storageRoot, finished.result!.storage_key));
    expect(createHash('sha256').update(file).digest('hex')).toBe(finished.result!.sha256);
    expect(Date.parse(finished.finished_at!)).toBeGreaterThan(switched!.ended);
    const worker = processes[1]!;
    expect(worker.logs.filter((l) => l.message === 'export.started' && l.jobId === id)).toHaveLength(1);

    // Every 202 became a finished export.
    const accepted = answers.filter((answer) => answer.status === 202);
    for (const answer of accepted) {
      expect((await client.wait(answer.jobId!, { timeoutMs: 60_000 })).status).toBe('COMPLETED');
    }
    // Refusals are 503s from the failover's start until the new master has its replicas again
    // (REDIS_WAIT_REPLICAS: the old master rejoins when the sentinels next look at it, up to 10 s).
    const refused = answers.filter((answer) => answer.status !== 202);
    const recovered = answers.findLastIndex((answer) => answer.status !== 202) + 1;
    for (const answer of refused) {
      expect(answer.status).toBe(503);
      expect(answer.at).toBeGreaterThanOrEqual(switched!.started - 1_000);
    }
    expect(answers[recovered]!.at - switched!.ended).toBeLessThan(15_000);
    if (process.env.FQ_TEST_REPORT) {
      const refusedFor = refused.length === 0 ? 0 : answers[recovered]!.at - refused[0]!.at;
      const report = {
        switchMs: switched!.ended - switched!.started,
        accepted: accepted.length,
        refused: refused.length,
        refusedFor,
      };
      process.stderr.write(`sentinel failover: ${JSON.stringify(report)}\n`);
    }
  }, 240_000);
});
