import { benchRedisEnv } from './bench-redis';
import { createClient, type FluxQueryClient } from '@fluxquery/client';
import { createReaderAccount, type MysqlConnectionOptions } from '@fluxquery/mysql-source';
import { freePort } from '@fluxquery/testkit';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunResult } from './measure';
import { noteDeletedFiles } from './quiet-file-system';

const ROOT = path.join(__dirname, '../../..');
const READER = { user: 'fq_bench_reader', password: randomBytes(12).toString('hex') };

export interface ServiceUnderTest {
  baseUrl: string;
  /** The default key's secret (API_SECRET). */
  secret: string;
  /** QUEUE_PREFIX, for reading the queue's counts. */
  prefix: string;
  client: FluxQueryClient;
  /** One export through the signed API, timed by the job's own created_at → finished_at. */
  exportOnce(sql: string, format: 'csv' | 'json' | 'xlsx', compression: 'gzip' | 'none'): Promise<RunResult>;
  /** Starts one more worker process; resolves once it is ready. */
  startWorker(): Promise<void>;
  /** Each running worker process's peak resident memory so far, in MB. */
  workerPeaksMb(): number[];
  /** Each running worker process's `/metrics` text (Prometheus format). */
  workerMetrics(): Promise<string[]>;
  /** Stops every worker process (SIGTERM). */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Worker processes to start with the api; default 1. */
  workers?: number;
  /** More settings for the api and the workers (limits, for a load test). */
  env?: Record<string, string>;
  /** Where the api and the workers write V8 CPU profiles (`node --cpu-prof`) as they stop; absent: none. */
  profileDir?: string;
}

/**
 * `pnpm bench --service`: the api and one worker started as production starts them (the built
 * dist, APP_ENV=production, default options, a SELECT-only account of their own), on this machine's
 * Redis under a prefix of their own. Each export is a signed request; its time is the job's own
 * (enqueued → finished), and the memory is the worker process's high-water mark so far.
 */
// eslint-disable-next-line max-lines-per-function -- starts the api and worker processes with their environment, and returns their handles: a tool's set-up, read top to bottom
export async function startServiceUnderTest(
  admin: MysqlConnectionOptions,
  database: string,
  options: ServiceOptions = {},
): Promise<ServiceUnderTest> {
  const { database: _database, tls: _tls, ...server } = admin;
  await createReaderAccount(server, {
    ...READER,
    host: '%',
    // API_SECRET alone: the `default` key, reading the bench database through its role.
    keys: [{ keyId: 'default', schemas: [database] }],
    maxConnections: 20,
    maxStatementSeconds: 3600,
  });
  const storage = await mkdtemp(path.join(tmpdir(), 'fq-bench-service-'));
  const port = await freePort();
  const secret = randomBytes(24).toString('hex');
  const env = {
    PATH: process.env.PATH ?? '',
    APP_ENV: 'production',
    SERVER_PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    MYSQL_DSN: `mysql://${READER.user}:${READER.password}@${admin.host}:${admin.port}/${database}`,
    ...benchRedisEnv(),
    QUEUE_PREFIX: `fqbench${randomBytes(4).toString('hex')}`,
    LOCAL_STORAGE_PATH: storage,
    API_SECRET: secret,
    JOB_SEAL_SECRET: randomBytes(24).toString('hex'),
    DOWNLOAD_LINK_SECRET: randomBytes(24).toString('hex'),
    DASHBOARD_PASSWORD: '',
    ...options.env,
  };
  const profileArgs = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const start = (app: string, extra: Record<string, string> = {}): ChildProcess =>
    spawn(process.execPath, [...profileArgs, path.join(ROOT, `apps/${app}/dist/main.js`)], {
      cwd: storage,
      env: { ...env, ...extra },
      stdio: process.env.FQ_BENCH_VERBOSE ? 'inherit' : 'ignore',
    });
  const api = start('api', { METRICS_PORT: '0' });
  const workers: ChildProcess[] = [];
  const metricsPorts: string[] = [];
  const startWorker = async (): Promise<void> => {
    const metricsPort = String(await freePort());
    workers.push(start('worker', { METRICS_PORT: metricsPort }));
    metricsPorts.push(metricsPort);
    await waitUntilReady(`http://127.0.0.1:${metricsPort}/readyz`);
  };
  const stop = async (children: ChildProcess[]): Promise<void> => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null
          ? new Promise((resolve) => child.once('exit', resolve))
          : Promise.resolve(),
      ),
    );
  };
  const client: FluxQueryClient = createClient({ baseUrl: `http://127.0.0.1:${port}`, secret });
  await waitUntilReady(`http://127.0.0.1:${port}/readyz`);
  for (let i = 0; i < (options.workers ?? 1); i += 1) await startWorker();

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    secret,
    prefix: env.QUEUE_PREFIX,
    client,
    startWorker,
    workerPeaksMb: () => workers.map((child) => highWaterMb(child.pid)).filter((mb): mb is number => mb !== undefined),
    workerMetrics: () =>
      Promise.all(metricsPorts.map(async (port) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text())),
    async stopWorkers() {
      metricsPorts.splice(0);
      await stop(workers.splice(0));
    },
    async exportOnce(sql, format, compression) {
      resetHighWater(workers[0]?.pid);
      const { job_id: id } = await client.submit({ query: sql, email: 'bench@example.com', format, compression });
      const status = await client.wait(id, { intervalMs: 1_000 });
      if (status.status !== 'COMPLETED' || !status.result) {
        throw new Error(`the service's export ended ${status.status}: ${JSON.stringify(status.error)}`);
      }
      const ms = Date.parse(status.finished_at ?? '') - Date.parse(status.created_at ?? '');
      return {
        ms,
        rows: status.result.rows,
        bytes: status.result.bytes,
        sha256: status.result.sha256,
        peakRssMb: highWaterMb(workers[0]?.pid),
      };
    },
    async close() {
      metricsPorts.splice(0);
      await stop([api, ...workers.splice(0)]);
      await rm(storage, { recursive: true, force: true });
      await noteDeletedFiles();
    },
  };
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Starts the process's high-water mark afresh (Linux: writing 5 to clear_refs, as root or the
 * owner), so that each export's peak is its own, not the largest of every export before it.
 */
function resetHighWater(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the peak stays cumulative.
  }
}

/** The process's peak resident memory so far (Linux: VmHWM), in MB. */
function highWaterMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round((Number(kb) / 1024) * 100) / 100 : undefined;
  } catch {
    return undefined;
  }
}
