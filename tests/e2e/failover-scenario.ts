import { createClient, FluxQueryError, type FluxQueryClient } from '@fluxquery/client';
import { freePort, waitFor } from '@fluxquery/testkit';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHarness, SECRET, type Harness } from './harness';
import { startApiAndWorker, stopServices, type ServiceProcess } from './service-process';

// One scenario for every Redis topology: a failover in the middle of a 1,000,000-row export and
// of a stream of submissions, with a real api and a real worker process pointed at the topology
// by its settings alone (docs/operations.md, "Failover, and what a 202 promises").

// 1,000,000 rows, gzipped, each with two digests: several seconds on these machines, so the
// failover falls inside it.
const MILLION =
  'SELECT a.id AS a, b.id AS b, MD5(a.id * 1000 + b.id) AS h, SHA1(a.id * 1000 + b.id) AS s FROM n a CROSS JOIN n b ORDER BY a.id, b.id';

export interface FailoverServices {
  harness: Harness;
  client: FluxQueryClient;
  processes: ServiceProcess[];
  close(): Promise<void>;
}

/** A database with the million-row table, and an api and a worker on `redisEnv`. */
export async function startFailoverServices(name: string, redisEnv: Record<string, string>): Promise<FailoverServices> {
  const harness = await createHarness(name);
  await harness.testDb.db.query('CREATE TABLE n (id INT PRIMARY KEY)');
  await harness.testDb.db.query('INSERT INTO n SELECT seq FROM seq_1_to_1000');
  const port = await freePort();
  const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, secret: SECRET, timeoutMs: 10_000 });
  const env = {
    ...redisEnv,
    SERVER_PORT: String(port),
    // A submission every 50 ms and the polls: past the default per-key limits, not tested here.
    EXPORTS_PER_MINUTE: '100000',
    REQUESTS_PER_MINUTE: '100000',
    // A small job that ended during the switch may have had its end written to the old master
    // only: it is taken again as stalled after this (30 s by default), and finishes then.
    WORKER_STALL_INTERVAL: '10',
  };
  const processes = await startApiAndWorker(harness, env).catch(async (error: unknown) => {
    await harness.close();
    throw error;
  });
  const close = async (): Promise<void> => {
    await stopServices(processes);
    await harness.close();
  };
  return { harness, client, processes, close };
}

interface Answer {
  at: number;
  status: number;
  jobId?: string;
}

/**
 * Starts the million-row export, fails over once it has passed 50,000 rows while submitting a
 * small export every 50 ms, and checks what a user would: the export finished once, after the
 * switch, with the right bytes; every 202 finished; refusals are 503s from the switch on, and the
 * api accepts again within `recoverMs` of it, by itself. Returns what it measured.
 */
export async function runFailoverScenario(
  services: FailoverServices,
  failover: () => Promise<{ from: string; to: string }>,
  recoverMs: number,
) {
  const { client, harness } = services;
  const { job_id: id } = await client.submit({ query: MILLION, email: 'ops@example.com', compression: 'gzip' });
  await waitFor(async () => ((await client.status(id)).progress?.rows ?? 0) > 50_000 || undefined, 60_000, 20);
  let switched: { from: string; to: string; started: number; ended: number } | undefined;
  void (async () => {
    const started = Date.now();
    switched = { ...(await failover()), started, ended: Date.now() };
  })();
  // Until the switch is over and the last 20 answers (a second) were 202s.
  const answers = await submitUntil(
    client,
    (sofar) => switched !== undefined && sofar.length >= 20 && sofar.slice(-20).every((a) => a.status === 202),
  );
  expect(switched?.to).toBeDefined();
  expect(switched!.to).not.toBe(switched!.from);

  const finished = await client.wait(id, { timeoutMs: 120_000 });
  expect(finished.error).toBeNull();
  expect(finished).toMatchObject({ status: 'COMPLETED', result: { rows: 1_000_000 } });
  const file = await readFile(path.join(harness.storageRoot, finished.result!.storage_key));
  expect(createHash('sha256').update(file).digest('hex')).toBe(finished.result!.sha256);
  expect(Date.parse(finished.finished_at!)).toBeGreaterThan(switched!.ended);
  const worker = services.processes[1]!;
  expect(worker.logs.filter((l) => l.message === 'export.started' && l.jobId === id)).toHaveLength(1);

  const accepted = answers.filter((answer) => answer.status === 202);
  for (const answer of accepted) {
    expect((await client.wait(answer.jobId!, { timeoutMs: 90_000 })).status).toBe('COMPLETED');
  }
  const refused = answers.filter((answer) => answer.status !== 202);
  for (const answer of refused) {
    expect(answer.status).toBe(503);
    expect(answer.at).toBeGreaterThanOrEqual(switched!.started - 1_000);
  }
  const recovered = answers[answers.findLastIndex((answer) => answer.status !== 202) + 1]!;
  expect(recovered.at - switched!.ended).toBeLessThan(recoverMs);
  const refusedForMs = refused.length === 0 ? 0 : recovered.at - refused[0]!.at;
  return {
    switchMs: switched!.ended - switched!.started,
    accepted: accepted.length,
    refused: refused.length,
    refusedForMs,
  };
}

/** A small export every 50 ms until `isDone` (given every answer so far), or 60 s; each answer with its time. */
async function submitUntil(client: FluxQueryClient, isDone: (answers: Answer[]) => boolean): Promise<Answer[]> {
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
