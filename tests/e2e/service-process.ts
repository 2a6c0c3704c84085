import { testRedisEnv, waitFor } from '@fluxquery/testkit';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Harness } from './harness';
import { SECRET, TEST_LINKS, TEST_SEAL_SECRET } from './harness';

const MAIN = {
  worker: path.join(__dirname, '../../apps/worker/dist/main.js'),
  api: path.join(__dirname, '../../apps/api/dist/main.js'),
};

export interface ServiceProcess {
  child: ChildProcess;
  /** Every JSON log line the process wrote so far. */
  logs: Record<string, unknown>[];
  /** What it wrote to stderr, for a test that fails to say why. */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/**
 * A real worker process, as production starts it (the built `dist`, configured by environment),
 * on this test file's database, Redis prefix and storage folder.
 */
export function spawnWorker(harness: Harness, env: Record<string, string> = {}): ServiceProcess {
  return spawnService('worker', harness, env);
}

/**
 * A real api and a real worker on `env`, once both have logged that they started. When they do
 * not, both are stopped and the error carries what they wrote to stderr.
 */
export async function startApiAndWorker(harness: Harness, env: Record<string, string> = {}): Promise<ServiceProcess[]> {
  const processes = [spawnApi(harness, env), spawnWorker(harness, env)];
  const isStarted = (p: ServiceProcess) =>
    p.logs.some((l) => l.message === 'api.started' || l.message === 'worker.started');
  await waitFor(async () => (processes.every(isStarted) ? true : undefined)).catch(async (error: unknown) => {
    const stderr = processes.map((p) => p.stderr()).join('\n');
    await stopServices(processes);
    throw new Error(`the services did not start: ${stderr}`, { cause: error });
  });
  return processes;
}

/** SIGKILL to each process; resolves once all have exited. */
export async function stopServices(processes: readonly ServiceProcess[]): Promise<void> {
  for (const service of processes) service.child.kill('SIGKILL');
  await Promise.all(processes.map((service) => service.exited));
}

/** A real api process, the same way; SERVER_PORT and REDIS_URL usually come in `env`. */
export function spawnApi(harness: Harness, env: Record<string, string> = {}): ServiceProcess {
  return spawnService('api', harness, env);
}

function spawnService(app: keyof typeof MAIN, harness: Harness, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [MAIN[app]], {
    // Not the repository: a developer's .env there must not reach the test's worker.
    cwd: harness.storageRoot,
    env: { PATH: process.env.PATH ?? '', ...serviceEnvironment(harness, env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchProcess(child);
}

/**
 * The settings a service process of this test file runs with: its database (through the test's
 * reader account), its Redis prefix and storage folder, the test secrets; `env` adds or overrides.
 */
export function serviceEnvironment(harness: Harness, env: Record<string, string>): Record<string, string> {
  const { reader } = harness;
  return {
    APP_ENV: 'test',
    MYSQL_DSN: `mysql://${reader.user}:${reader.password}@${reader.host}:${reader.port}/${reader.database}`,
    // The suite's Redis (one node or the cluster), unless the test brings a Redis of its own.
    ...(env.REDIS_URL || env.REDIS_SENTINELS || env.REDIS_CLUSTER_NODES ? {} : testRedisEnv()),
    QUEUE_PREFIX: harness.prefix,
    LOCAL_STORAGE_PATH: harness.storageRoot,
    API_SECRET: SECRET,
    JOB_SEAL_SECRET: TEST_SEAL_SECRET,
    DOWNLOAD_LINK_SECRET: TEST_LINKS.secret,
    DASHBOARD_PASSWORD: '',
    // Two workers on one host need two ports; the test gives each its own, or none.
    METRICS_PORT: '0',
    ...env,
  };
}

/** A started child whose stdout carries JSON log lines: the lines so far, its stderr, its exit. */
export function watchProcess(child: ChildProcess): ServiceProcess {
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    logs.push(...parseLogLines(lines));
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, logs, exited, stderr: () => stderr };
}

/** The JSON log lines among `lines`; any other output (Node's warnings) is passed over. */
export function parseLogLines(lines: string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
